// Share cards for pages shown in the web-view. The site posts
// {type: 'share', title, path, imageUrl} with wx.miniProgram.postMessage; the host gets
// those messages (all of them, as an array) just before onShareAppMessage runs.

const { safeSitePath, sharePagePath, sitePathFromUrl } = require('./url.js');

// The last share message in a bindmessage event's e.detail.data, or null.
function lastShareMessage(messages) {
  const list = Array.isArray(messages) ? messages : [messages];
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const item = list[i];
    if (item && typeof item === 'object' && item.type === 'share') return item;
  }
  return null;
}

// What onShareAppMessage returns: the card opens pages/share/share?path=<site path>.
// The path comes from the site's last share message, else from the URL the web-view
// shows (options.webViewUrl), else the home page.
function buildShare({ message, webViewUrl, base, defaultTitle }) {
  const fromMessage = message ? safeSitePath(message.path) : null;
  const sitePath = fromMessage || sitePathFromUrl(webViewUrl, base) || '/';
  const share = {
    title: (fromMessage && typeof message.title === 'string' && message.title) || defaultTitle,
    path: sharePagePath(sitePath),
  };
  const image = fromMessage && typeof message.imageUrl === 'string' ? message.imageUrl : '';
  if (/^https:\/\//i.test(image)) share.imageUrl = image;
  return share;
}

module.exports = { buildShare, lastShareMessage };
