// The native jump page: a web-view cannot open another mini-program, so the site
// navigates here and the member taps a button that calls wx.navigateToMiniProgram.

const { decodeParam } = require('./url.js');

const APPID_PATTERN = /^wx[0-9a-zA-Z]{16}$/;

// Page options (appid, path, product, post) as the site sent them, checked.
function parseJumpOptions(options) {
  const opts = options || {};
  const appId = decodeParam(opts.appid).trim();
  return {
    appId: APPID_PATTERN.test(appId) ? appId : '',
    path: decodeParam(opts.path).trim(),
    productId: decodeParam(opts.product).trim(),
    postId: decodeParam(opts.post).trim(),
  };
}

// Opens the product in its mini-program. Resolves to {ok, cancelled, errMsg}; a
// failure other than the member's own "cancel" shows a toast.
function openTargetMiniProgram(wx, { appId, path }) {
  return new Promise((resolve) => {
    if (!appId) {
      wx.showToast({ title: '该商品暂不支持跳转', icon: 'none' });
      resolve({ ok: false, cancelled: false, errMsg: 'no appId' });
      return;
    }
    const args = {
      appId,
      success: () => resolve({ ok: true, cancelled: false, errMsg: '' }),
      fail: (err) => {
        const errMsg = (err && err.errMsg) || '';
        const cancelled = /cancel/i.test(errMsg);
        wx.showToast({ title: cancelled ? '已取消' : '打开失败，请稍后再试', icon: 'none' });
        resolve({ ok: false, cancelled, errMsg });
      },
    };
    if (path) args.path = path;
    wx.navigateToMiniProgram(args);
  });
}

module.exports = { APPID_PATTERN, openTargetMiniProgram, parseJumpOptions };
