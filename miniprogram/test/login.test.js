'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { cleanup, createApp, createWx, loadPage } = require('../testing/harness.js');
const config = require('../config.js');

test.afterEach(cleanup);

function srcParams(src) {
  const url = new URL(src);
  return { origin: url.origin, pathname: url.pathname, params: Object.fromEntries(url.searchParams) };
}

test('index logs in and opens the web-view at /auth/ticket', async () => {
  const wx = createWx();
  const app = createApp({ scene: 1007, from: 'poster' });
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({});

  const [request] = wx.calls.request;
  assert.equal(request.url, config.BASE_URL + '/api/wechat/session');
  assert.equal(request.method, 'POST');
  assert.deepEqual(request.data, { code: 'code-1' });
  const src = app.globalData.webviewSrc;
  assert.equal(
    src,
    config.BASE_URL + '/auth/ticket?t=ticket-1&next=%2F&scene=1007&from=poster',
  );
  assert.deepEqual(wx.calls.redirectTo, [{ url: '/pages/webview/webview' }]);
  assert.equal(page.data.state, 'loading');
});

test('index passes next through, encoded', async () => {
  const wx = createWx({
    request: (args) => args.success({ statusCode: 200, data: { ticket: 'a+b/c=' } }),
  });
  const app = createApp({ scene: 1011, from: '春季 活动&x=1' });
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({ next: encodeURIComponent('/t/咖啡?sort=new&cursor=abc') });

  const src = app.globalData.webviewSrc;
  assert.match(src, /next=%2Ft%2F%E5%92%96%E5%95%A1%3Fsort%3Dnew%26cursor%3Dabc&/);
  const { origin, pathname, params } = srcParams(src);
  assert.equal(origin, config.BASE_URL);
  assert.equal(pathname, '/auth/ticket');
  assert.deepEqual(params, {
    t: 'a+b/c=',
    next: '/t/咖啡?sort=new&cursor=abc',
    scene: '1011',
    from: '春季 活动&x=1',
  });
});

test('index asks the site to bind WeChat when opened with bind=1', async () => {
  const wx = createWx();
  const app = createApp({ scene: 1001 });
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({ bind: '1', next: '/settings/profile' });

  const { pathname, params } = srcParams(app.globalData.webviewSrc);
  assert.equal(pathname, '/auth/ticket');
  assert.deepEqual(params, {
    t: 'ticket-1',
    next: '/settings/profile',
    scene: '1001',
    from: '',
    bind: '1',
  });
});

test('index ignores a next that leaves the site', async () => {
  const wx = createWx();
  const app = createApp();
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({ next: '//evil.com/p/1' });

  assert.equal(srcParams(app.globalData.webviewSrc).params.next, '/');
});

test('a failed wx.login shows the retry UI, and retry logs in again', async () => {
  let attempts = 0;
  const wx = createWx({
    login: (args) => {
      attempts += 1;
      if (attempts === 1) args.fail({ errMsg: 'login:fail' });
      else args.success({ code: 'code-2' });
    },
  });
  const app = createApp();
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({});

  assert.equal(page.data.state, 'error');
  assert.equal(page.data.message, '微信登录失败，请重试');
  assert.equal(wx.calls.request, undefined);
  assert.equal(wx.calls.redirectTo, undefined);

  await page.onRetry();

  assert.deepEqual(wx.calls.request[0].data, { code: 'code-2' });
  assert.deepEqual(wx.calls.redirectTo, [{ url: '/pages/webview/webview' }]);
});

test('a server error shows its message', async () => {
  const wx = createWx({
    request: (args) => args.success({ statusCode: 429, data: { message: '请求太频繁，请稍后再试' } }),
  });
  const app = createApp();
  const page = loadPage('pages/index/index.js', { wx, app });

  await page.onLoad({});

  assert.equal(page.data.state, 'error');
  assert.equal(page.data.message, '请求太频繁，请稍后再试');
  assert.equal(app.globalData.webviewSrc, '');
});

test('a network failure or an answer without ticket shows the default message', async () => {
  for (const request of [
    (args) => args.fail({ errMsg: 'request:fail timeout' }),
    (args) => args.success({ statusCode: 200, data: '<html>' }),
    (args) => args.success({ statusCode: 502, data: {} }),
  ]) {
    const wx = createWx({ request });
    const page = loadPage('pages/index/index.js', { wx, app: createApp() });

    await page.onLoad({});

    assert.equal(page.data.state, 'error');
    assert.equal(page.data.message, '登录失败，请检查网络后重试');
  }
});

test('the web-view page uses the src once, and logs in again without one', () => {
  const app = createApp({ webviewSrc: config.BASE_URL + '/auth/ticket?t=x&next=%2F' });
  const wx = createWx();
  const page = loadPage('pages/webview/webview.js', { wx, app });

  page.onLoad({});

  assert.equal(page.data.src, config.BASE_URL + '/auth/ticket?t=x&next=%2F');
  assert.equal(app.globalData.webviewSrc, '');

  const again = loadPage('pages/webview/webview.js', { wx, app });
  again.onLoad({});
  assert.equal(again.data.src, '');
  assert.deepEqual(wx.calls.reLaunch, [{ url: '/pages/index/index' }]);
});
