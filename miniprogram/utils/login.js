// Mini-program login: wx.login code → POST /api/wechat/session → one-time ticket →
// the web-view opens BASE/auth/ticket?t=…. The code and the ticket are single use; the
// session_key never reaches the mini-program.

const { buildWebviewSrc, safeSitePath } = require('./url.js');

const DEFAULT_ERROR = '登录失败，请检查网络后重试';
const WEBVIEW_PAGE = '/pages/webview/webview';

class LoginError extends Error {}

function wxLogin(wx) {
  return new Promise((resolve, reject) => {
    wx.login({
      timeout: 10000,
      success: (res) => (res && res.code ? resolve(res.code) : reject(new LoginError('微信登录失败，请重试'))),
      fail: () => reject(new LoginError('微信登录失败，请重试')),
    });
  });
}

function requestTicket(wx, base, code) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: base + '/api/wechat/session',
      method: 'POST',
      header: { 'content-type': 'application/json' },
      data: { code },
      timeout: 10000,
      success: (res) => {
        const body = res && res.data && typeof res.data === 'object' ? res.data : {};
        if (res.statusCode === 200 && typeof body.ticket === 'string' && body.ticket) {
          resolve(body.ticket);
          return;
        }
        // The server words its errors for members (e.g. 请求太频繁，请稍后再试).
        const message = typeof body.message === 'string' && body.message ? body.message
          : typeof body.error === 'string' && body.error ? body.error : DEFAULT_ERROR;
        reject(new LoginError(message));
      },
      fail: () => reject(new LoginError(DEFAULT_ERROR)),
    });
  });
}

// Logs in and returns the web-view src that opens the site at `next`.
async function loginForSrc(wx, app, base, next, { bind = false } = {}) {
  const code = await wxLogin(wx);
  const ticket = await requestTicket(wx, base, code);
  const globalData = (app && app.globalData) || {};
  return buildWebviewSrc(base, {
    ticket,
    next: safeSitePath(next) || '/',
    scene: globalData.scene,
    from: globalData.from,
    bind,
  });
}

// Logs in, then replaces the current page with the web-view page showing `next`.
// The src is handed over in globalData rather than in the page URL, so it is neither
// encoded twice nor visible in the page stack.
async function enterSite(wx, app, base, next, options) {
  const src = await loginForSrc(wx, app, base, next, options);
  app.globalData.webviewSrc = src;
  wx.redirectTo({ url: WEBVIEW_PAGE });
  return src;
}

function errorMessage(error) {
  return error instanceof LoginError ? error.message : DEFAULT_ERROR;
}

module.exports = {
  DEFAULT_ERROR,
  LoginError,
  WEBVIEW_PAGE,
  enterSite,
  errorMessage,
  loginForSrc,
  requestTicket,
  wxLogin,
};
