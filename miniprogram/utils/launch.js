// Launch options (App.onLaunch) → what the host remembers about the launch.
const { decodeParam } = require('./url.js');

function launchInfo(options) {
  const opts = options || {};
  const scene = Number(opts.scene);
  const query = opts.query || {};
  return {
    scene: Number.isFinite(scene) && scene > 0 ? scene : null,
    from: decodeParam(query.from || '').slice(0, 64),
  };
}

module.exports = { launchInfo };
