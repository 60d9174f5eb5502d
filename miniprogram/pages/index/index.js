// Entry page: logs in, then shows the site in the web-view page. `next` (a site path)
// chooses the page to open, e.g. from a QR code or a message link; `bind=1` (from the
// site's 绑定微信 button) binds this WeChat to the account logged in on the site.
const config = require('../../config.js');
const { enterSite, errorMessage } = require('../../utils/login.js');
const { decodeParam, safeSitePath } = require('../../utils/url.js');

Page({
  data: {
    state: 'loading',
    message: '',
  },

  onLoad(options) {
    const opts = options || {};
    this.next = safeSitePath(decodeParam(opts.next)) || '/';
    this.bind = opts.bind === '1';
    return this.start();
  },

  start() {
    this.setData({ state: 'loading', message: '' });
    return enterSite(wx, getApp(), config.BASE_URL, this.next, { bind: this.bind }).catch((error) => {
      this.setData({ state: 'error', message: errorMessage(error) });
    });
  },

  onRetry() {
    return this.start();
  },
});
