// The site in a <web-view>. Keeps the last share message the site posted and builds
// the share card from it (or from the URL the web-view shows).
const config = require('../../config.js');
const { buildShare, lastShareMessage } = require('../../utils/share.js');

const INDEX_PAGE = '/pages/index/index';

Page({
  data: {
    src: '',
  },

  onLoad() {
    const app = getApp();
    const src = app.globalData.webviewSrc;
    // The src carries a one-time ticket: use it once. Without one, log in again.
    app.globalData.webviewSrc = '';
    this.lastShare = null;
    if (!src) {
      wx.reLaunch({ url: INDEX_PAGE });
      return;
    }
    this.setData({ src });
  },

  // e.detail.data holds every message posted since the last delivery (WeChat delivers
  // them on back, destroy and share only).
  onMessage(event) {
    const message = lastShareMessage(event && event.detail ? event.detail.data : null);
    if (message) this.lastShare = message;
  },

  onError() {
    wx.showToast({ title: '页面加载失败，请稍后再试', icon: 'none' });
  },

  onShareAppMessage(options) {
    return buildShare({
      message: this.lastShare,
      webViewUrl: options ? options.webViewUrl : '',
      base: config.BASE_URL,
      defaultTitle: config.DEFAULT_SHARE_TITLE,
    });
  },
});
