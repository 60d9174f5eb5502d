// Where the forum is served. Must be an HTTPS origin listed twice in the mini-program's
// admin console: under 服务器域名 (request 合法域名, for wx.request) and under
// 业务域名 (for <web-view>). No trailing slash. See README.md.
module.exports = {
  BASE_URL: 'https://community.example.com',
  // Title of a share card when the page gave none.
  DEFAULT_SHARE_TITLE: '微社群',
};
