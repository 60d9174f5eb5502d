// Share-card landing: pages/share/share?path=<site path>. Only a site-relative path
// (a single leading "/") is opened; anything else opens the home page. Logs in first,
// because the web-view needs a fresh one-time ticket.
const config = require('../../config.js');
const { enterSite, errorMessage } = require('../../utils/login.js');
const { decodeParam, safeSitePath } = require('../../utils/url.js');

Page({
  data: {
    state: 'loading',
    message: '',
  },

  onLoad(options) {
    this.path = safeSitePath(decodeParam((options || {}).path)) || '/';
    return this.start();
  },

  start() {
    this.setData({ state: 'loading', message: '' });
    return enterSite(wx, getApp(), config.BASE_URL, this.path).catch((error) => {
      this.setData({ state: 'error', message: errorMessage(error) });
    });
  },

  onRetry() {
    return this.start();
  },
});
