'use strict';

// forum/static/webview.js, run in a small fake browser (testing/fake-dom.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, createMiniProgram, settle } = require('../testing/fake-dom.js');

// Objects made inside the vm context have that context's prototypes: compare copies.
const plain = (value) => JSON.parse(JSON.stringify(value));

const MINIPROGRAM_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
  'MicroMessenger/8.0.40 NetType/WIFI Language/zh_CN miniProgram/wx0000000000000000';

const METAS = {
  'csrf-token': 'csrf-abc',
  'wx-jssdk': 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js',
  'wx-jump-page': '/pages/jump/jump',
  'share:title': '周末咖啡探店',
  'share:path': '/p/12',
  'share:image': 'https://img.example.com/12.jpg',
};

function productCard(browser, attrs) {
  return browser.addElement('a', Object.assign({
    href: '/go/product/7?post=12',
    'data-product-id': '7',
    'data-click-url': '/go/product/7/click',
    'data-appid': 'wx1234567890abcdef',
    'data-path': 'pages/goods/detail?id=88',
  }, attrs));
}

function inMiniProgram(options = {}) {
  const mp = createMiniProgram();
  const browser = createBrowser(Object.assign({ userAgent: MINIPROGRAM_UA, metas: METAS, wx: mp }, options));
  browser.run();
  return { browser, mp };
}

test('outside the mini-program it does nothing at all', async () => {
  const mp = createMiniProgram();
  const browser = createBrowser({
    userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/126.0 MicroMessenger/8.0',
    metas: METAS,
    wx: mp,
  });
  browser.run();
  await settle();

  assert.equal(browser.classes.size, 0);
  assert.equal(browser.appendedScripts.length, 0);
  assert.deepEqual(mp.calls.postMessage, []);
  assert.equal(browser.document.listeners.click, undefined);
  const event = browser.click(productCard(browser, {}));
  assert.equal(event.defaultPrevented, false);
});

test('__wxjs_environment alone turns it on', async () => {
  const { browser } = inMiniProgram({ userAgent: 'Mozilla/5.0', wxjsEnvironment: 'miniprogram' });
  await settle();

  assert.ok(browser.classes.has('in-miniprogram'));
});

test('the user agent is matched without regard to case', () => {
  const { browser } = inMiniProgram({ userAgent: 'Mozilla/5.0 MINIPROGRAM' });

  assert.ok(browser.classes.has('in-miniprogram'));
});

test('it loads the JSSDK from the meta tag when wx is not there yet', async () => {
  const browser = createBrowser({ userAgent: MINIPROGRAM_UA, metas: METAS });
  browser.run();

  assert.equal(browser.appendedScripts.length, 1);
  const [script] = browser.appendedScripts;
  assert.equal(script.src, METAS['wx-jssdk']);

  const mp = createMiniProgram();
  browser.window.wx = mp;
  script.onload();
  await settle();

  assert.deepEqual(plain(mp.calls.postMessage), [
    {
      data: {
        type: 'share',
        title: '周末咖啡探店',
        path: '/p/12',
        imageUrl: 'https://img.example.com/12.jpg',
      },
    },
  ]);
});

test('an injected wx.miniProgram is used without loading the JSSDK', async () => {
  const { browser, mp } = inMiniProgram();
  await settle();

  assert.equal(browser.appendedScripts.length, 0);
  assert.equal(mp.calls.postMessage.length, 1);
});

test('share data is posted again after an HTMX swap only if it changed', async () => {
  const { browser, mp } = inMiniProgram();
  await settle();

  browser.body.dispatch('htmx:afterSettle', {});
  await settle();
  assert.equal(mp.calls.postMessage.length, 1);

  browser.setMeta('share:title', '旅行圈');
  browser.setMeta('share:path', '/c/travel');
  browser.setMeta('share:image', '');
  browser.body.dispatch('htmx:afterSettle', {});
  await settle();

  assert.deepEqual(plain(mp.calls.postMessage[1]), {
    data: { type: 'share', title: '旅行圈', path: '/c/travel', imageUrl: '' },
  });
});

test('a product card with an app id records the click and opens the jump page', async () => {
  const { browser, mp } = inMiniProgram();
  const card = productCard(browser, { 'data-path': 'pages/goods/detail?id=88&src=微社群' });
  const image = browser.addElement('img', {}, card); // the tap lands on a child

  const event = browser.click(image);
  assert.equal(event.defaultPrevented, true);
  await settle();

  assert.deepEqual(plain(browser.fetches), [
    {
      url: '/go/product/7/click',
      init: {
        method: 'POST',
        credentials: 'same-origin',
        keepalive: true,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-CSRFToken': 'csrf-abc',
        },
        body: 'source=miniprogram',
      },
    },
  ]);
  assert.equal(mp.calls.navigateTo.length, 1);
  assert.equal(
    mp.calls.navigateTo[0].url,
    '/pages/jump/jump?appid=wx1234567890abcdef' +
      '&path=' + encodeURIComponent('pages/goods/detail?id=88&src=微社群') +
      '&product=7&post=12',
  );
  assert.equal(card.hasAttribute('data-opening'), false);
});

test('a slow click record is waited for at most ~800 ms', async () => {
  const { browser, mp } = inMiniProgram({ fetch: () => new Promise(() => {}) });

  browser.click(productCard(browser, {}));
  await settle();
  assert.equal(mp.calls.navigateTo.length, 0);

  const timer = browser.timers.find((t) => !t.cleared);
  assert.ok(timer.ms <= 1000);
  timer.fn();
  await settle();

  assert.equal(mp.calls.navigateTo.length, 1);
});

test('a failed click record does not stop the jump', async () => {
  const { browser, mp } = inMiniProgram({ fetch: () => Promise.reject(new TypeError('offline')) });

  browser.click(productCard(browser, {}));
  await settle();

  assert.equal(mp.calls.navigateTo.length, 1);
});

test('a double tap opens the jump page once', async () => {
  const { browser, mp } = inMiniProgram();
  const card = productCard(browser, {});

  browser.click(card);
  const second = browser.click(card);
  await settle();

  assert.equal(second.defaultPrevented, true);
  assert.equal(browser.fetches.length, 1);
  assert.equal(mp.calls.navigateTo.length, 1);
});

test('a card without an app id is left to its href', async () => {
  const { browser, mp } = inMiniProgram();

  const event = browser.click(productCard(browser, { 'data-appid': '' }));
  await settle();

  assert.equal(event.defaultPrevented, false);
  assert.equal(browser.fetches.length, 0);
  assert.equal(mp.calls.navigateTo.length, 0);
});

test('other links are left alone', async () => {
  const { browser, mp } = inMiniProgram();

  const event = browser.click(browser.addElement('a', { href: '/p/3' }));
  await settle();

  assert.equal(event.defaultPrevented, false);
  assert.equal(mp.calls.navigateTo.length, 0);
});

test('before the JSSDK is ready a card follows its href', async () => {
  const browser = createBrowser({ userAgent: MINIPROGRAM_UA, metas: METAS });
  browser.run();

  const event = browser.click(productCard(browser, {}));
  await settle();

  assert.equal(event.defaultPrevented, false);
  assert.equal(browser.fetches.length, 0);
});

test('a failed navigateTo falls back to the web redirect', async () => {
  const { browser, mp } = inMiniProgram();
  browser.click(productCard(browser, {}));
  await settle();

  mp.calls.navigateTo[0].fail({ errMsg: 'navigateTo:fail' });

  assert.equal(browser.window.location.href, '/go/product/7?post=12');
});
