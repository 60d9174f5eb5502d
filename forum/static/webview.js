/*
 * 微社群 inside the mini-program's <web-view>.
 *
 * Included (deferred) on every page. Outside WeChat's mini-program web-view it does
 * nothing at all, so every link stays a plain link. Inside it:
 *
 * - adds the class "in-miniprogram" to <html> (the CSS hides the site's top bar);
 * - loads the JSSDK from <meta name="wx-jssdk" content="…"> unless window.wx.miniProgram
 *   already exists;
 * - taps on product cards, a[data-product-id] with a non-empty data-appid, record the
 *   click (POST data-click-url, form body source=miniprogram, header X-CSRFToken from
 *   <meta name="csrf-token">, at most ~800 ms) and then open the host's native jump page
 *   (<meta name="wx-jump-page">, default /pages/jump/jump) with
 *   ?appid=…&path=…&product=…&post=…, where the member taps again to open the shop's
 *   mini-program (a web-view cannot open another mini-program itself). Cards without an
 *   app id, and taps before the JSSDK is ready, follow their href: the /go/product
 *   redirect counts the click on the server;
 * - hands the share card to the host with wx.miniProgram.postMessage({data: {type:
 *   'share', title, path, imageUrl}}) from <meta name="share:title|share:path|
 *   share:image">, on load and again after an HTMX swap that changed them. (The host
 *   receives these messages only when the member goes back, the page is destroyed, or
 *   the page is shared: that is enough for onShareAppMessage.)
 */
(function () {
  'use strict';

  var CLICK_WAIT_MS = 800;
  var DEFAULT_JUMP_PAGE = '/pages/jump/jump';

  var userAgent = (window.navigator && window.navigator.userAgent) || '';
  if (window.__wxjs_environment !== 'miniprogram' && !/miniprogram/i.test(userAgent)) {
    return;
  }

  document.documentElement.classList.add('in-miniprogram');

  function meta(name) {
    // The last one wins: an HTMX fragment may carry a newer copy than <head>.
    var found = document.querySelectorAll('meta[name="' + name + '"]');
    return found.length ? found[found.length - 1].getAttribute('content') || '' : '';
  }

  function currentBridge() {
    return window.wx && window.wx.miniProgram ? window.wx.miniProgram : null;
  }

  // Resolves to wx.miniProgram, or null when the JSSDK cannot be had.
  var bridge = new Promise(function (resolve) {
    if (currentBridge()) {
      resolve(currentBridge());
      return;
    }
    var src = meta('wx-jssdk');
    if (!src) {
      resolve(null);
      return;
    }
    var script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = function () { resolve(currentBridge()); };
    script.onerror = function () { resolve(null); };
    document.head.appendChild(script);
  });

  // -- product cards --------------------------------------------------------------

  function postId(card) {
    var explicit = card.getAttribute('data-post-id');
    if (explicit) return explicit;
    try {
      return new URL(card.getAttribute('href') || '', window.location.href)
        .searchParams.get('post') || '';
    } catch (e) {
      return '';
    }
  }

  function recordClick(card) {
    var url = card.getAttribute('data-click-url');
    if (!url || typeof window.fetch !== 'function') return Promise.resolve();
    var request = window.fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-CSRFToken': meta('csrf-token')
      },
      body: 'source=miniprogram'
    }).catch(function () { /* a lost click count must not stop the member */ });
    var timer;
    var timeout = new Promise(function (resolve) { timer = setTimeout(resolve, CLICK_WAIT_MS); });
    return Promise.race([request, timeout]).then(function () { clearTimeout(timer); });
  }

  function jumpUrl(card) {
    var query = [
      ['appid', card.getAttribute('data-appid') || ''],
      ['path', card.getAttribute('data-path') || ''],
      ['product', card.getAttribute('data-product-id') || ''],
      ['post', postId(card)]
    ].map(function (pair) {
      return pair[0] + '=' + encodeURIComponent(pair[1]);
    }).join('&');
    return (meta('wx-jump-page') || DEFAULT_JUMP_PAGE) + '?' + query;
  }

  async function openInMiniProgram(card, miniProgram) {
    card.setAttribute('data-opening', '');
    try {
      await recordClick(card);
      miniProgram.navigateTo({
        url: jumpUrl(card),
        fail: function () {
          // e.g. the page stack is full: the web redirect still gets them there.
          window.location.href = card.getAttribute('href');
        }
      });
    } finally {
      card.removeAttribute('data-opening');
    }
  }

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || !event.target || !event.target.closest) return;
    var card = event.target.closest('a[data-product-id]');
    if (!card || !card.getAttribute('data-appid')) return;
    var miniProgram = currentBridge();
    if (!miniProgram) return; // JSSDK not ready: the href redirect does the job
    event.preventDefault();
    if (card.hasAttribute('data-opening')) return; // a double tap
    openInMiniProgram(card, miniProgram);
  });

  // -- share card -----------------------------------------------------------------

  var lastShare = null;

  function shareData() {
    return {
      type: 'share',
      title: meta('share:title') || document.title || '',
      path: meta('share:path') || window.location.pathname + window.location.search,
      imageUrl: meta('share:image')
    };
  }

  function postShare() {
    var data = shareData();
    var key = JSON.stringify(data);
    if (key === lastShare) return Promise.resolve();
    lastShare = key;
    return bridge.then(function (miniProgram) {
      if (miniProgram && typeof miniProgram.postMessage === 'function') {
        miniProgram.postMessage({ data: data });
      }
    });
  }

  postShare();
  document.body.addEventListener('htmx:afterSettle', function () { postShare(); });
})();
