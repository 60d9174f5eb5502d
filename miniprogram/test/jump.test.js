'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { cleanup, createApp, createWx, loadPage } = require('../testing/harness.js');

test.afterEach(cleanup);

const SHOP = 'wx1234567890abcdef';

function openJump(wx, options) {
  const page = loadPage('pages/jump/jump.js', { wx, app: createApp() });
  page.onLoad(options);
  return page;
}

test('the jump page shows the product and opens the shop mini-program on tap', async () => {
  const wx = createWx();
  // As webview.js sends them: every value encodeURIComponent'ed.
  const page = openJump(wx, {
    appid: SHOP,
    path: encodeURIComponent('pages/goods/detail?id=88&from=weishequn'),
    product: '7',
    post: '12',
  });

  assert.equal(page.data.productId, '7');
  assert.equal(page.data.appId, SHOP);
  assert.equal(page.data.error, '');

  const result = await page.onBuy();

  assert.equal(result.ok, true);
  const [call] = wx.calls.navigateToMiniProgram;
  assert.equal(call.appId, SHOP);
  assert.equal(call.path, 'pages/goods/detail?id=88&from=weishequn');
  assert.equal(typeof call.fail, 'function');
  assert.equal(wx.calls.showToast, undefined);
  assert.equal(page.data.opening, false);
});

test('an empty path opens the shop home page', async () => {
  const wx = createWx();
  const page = openJump(wx, { appid: SHOP, path: '', product: '3', post: '' });

  await page.onBuy();

  const [call] = wx.calls.navigateToMiniProgram;
  assert.equal(call.appId, SHOP);
  assert.equal('path' in call, false);
});

test('a failed jump shows a toast and the error', async () => {
  const wx = createWx({
    navigateToMiniProgram: (args) => args.fail({ errMsg: 'navigateToMiniProgram:fail invalid appid' }),
  });
  const page = openJump(wx, { appid: SHOP, path: 'pages/index/index', product: '7', post: '12' });

  const result = await page.onBuy();

  assert.equal(result.ok, false);
  assert.deepEqual(wx.calls.showToast, [{ title: '打开失败，请稍后再试', icon: 'none' }]);
  assert.equal(page.data.error, '打开失败，请稍后再试');
  assert.equal(page.data.opening, false);
});

test('a cancelled jump is quiet on the page', async () => {
  const wx = createWx({
    navigateToMiniProgram: (args) => args.fail({ errMsg: 'navigateToMiniProgram:fail cancel' }),
  });
  const page = openJump(wx, { appid: SHOP, path: '', product: '7', post: '12' });

  const result = await page.onBuy();

  assert.equal(result.cancelled, true);
  assert.deepEqual(wx.calls.showToast, [{ title: '已取消', icon: 'none' }]);
  assert.equal(page.data.error, '');
});

test('a missing or malformed app id is not opened', async () => {
  for (const appid of [undefined, '', 'not-an-appid', 'wx123']) {
    const wx = createWx();
    const page = openJump(wx, { appid, path: 'pages/index/index', product: '7' });

    assert.equal(page.data.appId, '');
    assert.equal(page.data.error, '该商品暂不支持跳转');
    await page.onBuy();
    assert.equal(wx.calls.navigateToMiniProgram, undefined);
    assert.deepEqual(wx.calls.showToast, [{ title: '该商品暂不支持跳转', icon: 'none' }]);
  }
});

test('a second tap while opening is ignored', async () => {
  let finish;
  const wx = createWx({ navigateToMiniProgram: (args) => { finish = args.success; } });
  const page = openJump(wx, { appid: SHOP, path: '', product: '7' });

  const first = page.onBuy();
  await page.onBuy();
  finish({ errMsg: 'navigateToMiniProgram:ok' });
  await first;

  assert.equal(wx.calls.navigateToMiniProgram.length, 1);
});

test('back returns to the community', () => {
  const wx = createWx();
  const page = openJump(wx, { appid: SHOP });

  page.onBack();

  assert.deepEqual(wx.calls.navigateBack, [{ delta: 1 }]);
});
