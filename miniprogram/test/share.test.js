'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { cleanup, createApp, createWx, loadPage } = require('../testing/harness.js');
const config = require('../config.js');
const { safeSitePath, sitePathFromUrl } = require('../utils/url.js');

test.afterEach(cleanup);

function openWebview() {
  const app = createApp({ webviewSrc: config.BASE_URL + '/auth/ticket?t=x&next=%2F' });
  const page = loadPage('pages/webview/webview.js', { wx: createWx(), app });
  page.onLoad({});
  return page;
}

test('the share card uses the last share message', () => {
  const page = openWebview();

  page.onMessage({
    detail: {
      data: [
        { type: 'share', title: '旧帖子', path: '/p/11', imageUrl: '' },
        { type: 'other', path: '/ignored' },
        { type: 'share', title: '周末咖啡探店', path: '/p/12', imageUrl: 'https://img.example.com/12.jpg' },
      ],
    },
  });
  const share = page.onShareAppMessage({ from: 'menu', webViewUrl: config.BASE_URL + '/p/99' });

  assert.deepEqual(share, {
    title: '周末咖啡探店',
    path: '/pages/share/share?path=%2Fp%2F12',
    imageUrl: 'https://img.example.com/12.jpg',
  });
});

test('a later delivery replaces the share message; one without share keeps it', () => {
  const page = openWebview();

  page.onMessage({ detail: { data: [{ type: 'share', title: 'A', path: '/p/1', imageUrl: '' }] } });
  page.onMessage({ detail: { data: [{ type: 'share', title: 'B', path: '/c/travel', imageUrl: '' }] } });
  page.onMessage({ detail: { data: [{ type: 'other' }] } });

  const share = page.onShareAppMessage({ webViewUrl: config.BASE_URL + '/' });
  assert.equal(share.title, 'B');
  assert.equal(share.path, '/pages/share/share?path=%2Fc%2Ftravel');
  assert.equal(share.imageUrl, undefined);
});

test('without a message the card falls back to webViewUrl', () => {
  const page = openWebview();

  const share = page.onShareAppMessage({ webViewUrl: config.BASE_URL + '/t/%E5%92%96%E5%95%A1?sort=hot#c3' });

  assert.deepEqual(share, {
    title: config.DEFAULT_SHARE_TITLE,
    path: '/pages/share/share?path=' + encodeURIComponent('/t/%E5%92%96%E5%95%A1?sort=hot'),
  });
});

test('a message with an unsafe path falls back to webViewUrl', () => {
  const page = openWebview();
  page.onMessage({ detail: { data: [{ type: 'share', title: '钓鱼', path: '//evil.com', imageUrl: '' }] } });

  const share = page.onShareAppMessage({ webViewUrl: config.BASE_URL + '/p/5' });

  assert.equal(share.path, '/pages/share/share?path=%2Fp%2F5');
  assert.equal(share.title, config.DEFAULT_SHARE_TITLE);
});

test('a ticket URL is never shared, nor a foreign one', () => {
  const page = openWebview();

  const fromTicket = page.onShareAppMessage({
    webViewUrl: config.BASE_URL + '/auth/ticket?t=secret-ticket&next=%2Fp%2F8&scene=1001',
  });
  assert.equal(fromTicket.path, '/pages/share/share?path=%2Fp%2F8');
  assert.doesNotMatch(JSON.stringify(fromTicket), /secret-ticket/);

  const foreign = page.onShareAppMessage({ webViewUrl: 'https://evil.com/p/1' });
  assert.equal(foreign.path, '/pages/share/share?path=%2F');

  const lookalike = page.onShareAppMessage({ webViewUrl: config.BASE_URL + '.evil.com/p/1' });
  assert.equal(lookalike.path, '/pages/share/share?path=%2F');

  assert.equal(page.onShareAppMessage({}).path, '/pages/share/share?path=%2F');
});

test('the share landing opens the shared path after a fresh login', async () => {
  const wx = createWx({ request: (args) => args.success({ statusCode: 200, data: { ticket: 'fresh' } }) });
  const app = createApp({ scene: 1044 });
  const page = loadPage('pages/share/share.js', { wx, app });

  await page.onLoad({ path: encodeURIComponent('/p/12?from=share') });

  assert.equal(wx.calls.login.length, 1);
  assert.equal(
    app.globalData.webviewSrc,
    config.BASE_URL + '/auth/ticket?t=fresh&next=%2Fp%2F12%3Ffrom%3Dshare&scene=1044&from=',
  );
  assert.deepEqual(wx.calls.redirectTo, [{ url: '/pages/webview/webview' }]);
});

test('the share landing accepts an already-decoded path', async () => {
  const app = createApp();
  const page = loadPage('pages/share/share.js', { wx: createWx(), app });

  await page.onLoad({ path: '/c/travel' });

  assert.equal(new URL(app.globalData.webviewSrc).searchParams.get('next'), '/c/travel');
});

for (const evil of [
  '//evil.com',
  'https://evil.com',
  '/\\evil.com',
  '\\\\evil.com',
  '/\t/evil.com',
  'javascript:alert(1)',
  ' /p/1',
  '',
]) {
  test(`the share landing rejects ${JSON.stringify(evil)}`, async () => {
    for (const given of [evil, encodeURIComponent(evil)]) {
      const app = createApp();
      const page = loadPage('pages/share/share.js', { wx: createWx(), app });

      await page.onLoad({ path: given });

      const src = app.globalData.webviewSrc;
      assert.ok(src.startsWith(config.BASE_URL + '/auth/ticket?'));
      assert.equal(new URL(src).searchParams.get('next'), '/');
      assert.doesNotMatch(src, /evil|javascript/);
    }
  });
}

test('the share landing shows the retry UI when login fails', async () => {
  const wx = createWx({ request: (args) => args.fail({ errMsg: 'request:fail' }) });
  const page = loadPage('pages/share/share.js', { wx, app: createApp() });

  await page.onLoad({ path: '/p/1' });

  assert.equal(page.data.state, 'error');
  assert.equal(page.data.message, '登录失败，请检查网络后重试');
});

test('safeSitePath and sitePathFromUrl', () => {
  assert.equal(safeSitePath('/p/12'), '/p/12');
  assert.equal(safeSitePath('/'), '/');
  assert.equal(safeSitePath('//evil.com'), null);
  assert.equal(safeSitePath('/\\evil.com'), null);
  assert.equal(safeSitePath('p/12'), null);
  assert.equal(safeSitePath(null), null);
  assert.equal(safeSitePath('/' + 'a'.repeat(3000)), null);
  assert.equal(sitePathFromUrl(config.BASE_URL, config.BASE_URL), '/');
  assert.equal(sitePathFromUrl(config.BASE_URL + '?x=1', config.BASE_URL), '/?x=1');
  assert.equal(sitePathFromUrl(config.BASE_URL + '//evil.com', config.BASE_URL), null);
  assert.equal(sitePathFromUrl(config.BASE_URL + '/auth/ticket?t=1&next=%2F%2Fevil.com', config.BASE_URL), '/');
});
