// The host app: remembers how it was launched (scene, and a `from` query such as a
// campaign tag) so the site can count where members come from.
const { launchInfo } = require('./utils/launch.js');

App({
  globalData: {
    scene: null,
    from: '',
    webviewSrc: '',
  },

  onLaunch(options) {
    Object.assign(this.globalData, launchInfo(options));
  },
});
