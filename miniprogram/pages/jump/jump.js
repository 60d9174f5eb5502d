// Jump page, opened by the site's product cards through wx.miniProgram.navigateTo:
// /pages/jump/jump?appid=…&path=…&product=…&post=…. Opening another mini-program
// needs a tap, hence the button.
const { openTargetMiniProgram, parseJumpOptions } = require('../../utils/jump.js');

Page({
  data: {
    productId: '',
    appId: '',
    opening: false,
    error: '',
  },

  onLoad(options) {
    this.target = parseJumpOptions(options);
    this.setData({
      productId: this.target.productId,
      appId: this.target.appId,
      error: this.target.appId ? '' : '该商品暂不支持跳转',
    });
  },

  onBuy() {
    if (this.data.opening) return Promise.resolve(null);
    this.setData({ opening: true, error: '' });
    return openTargetMiniProgram(wx, this.target).then((result) => {
      this.setData({
        opening: false,
        error: result.ok || result.cancelled ? '' : '打开失败，请稍后再试',
      });
      return result;
    });
  },

  onBack() {
    wx.navigateBack({ delta: 1 });
  },
});
