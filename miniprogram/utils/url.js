// Site paths and web-view URLs: pure functions (no wx), unit-tested under Node.
// The mini-program runtime has no URL class, so parsing is done by hand.

const MAX_PATH_LENGTH = 2000;

// Page options may arrive still percent-encoded (share cards) or already decoded
// (navigateTo): decode once, and keep the value as it is if it is not valid encoding.
function decodeParam(value) {
  if (typeof value !== 'string') return '';
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch (e) {
    return value;
  }
}

// A path on this site ("/p/12", "/t/话题?sort=new"), or null. Only a single leading
// "/" is accepted: "//evil.com" and "/\evil.com" are other hosts to a browser, and
// "https://evil.com" or "javascript:…" are not paths at all.
function safeSitePath(value) {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_LENGTH) {
    return null;
  }
  if (value[0] !== '/' || value[1] === '/' || value.indexOf('\\') !== -1) return null;
  // Whitespace and control characters (tab, newline…) are stripped by browsers before
  // parsing, which can turn "/\t/evil.com" into "//evil.com".
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(value)) return null;
  return value;
}

function queryParam(query, name) {
  const pairs = query.split('&');
  for (let i = 0; i < pairs.length; i += 1) {
    const eq = pairs[i].indexOf('=');
    const key = eq === -1 ? pairs[i] : pairs[i].slice(0, eq);
    if (key === name) return decodeParam(eq === -1 ? '' : pairs[i].slice(eq + 1).replace(/\+/g, ' '));
  }
  return null;
}

function buildQuery(params) {
  return Object.keys(params)
    .map((key) => key + '=' + encodeURIComponent(params[key] == null ? '' : String(params[key])))
    .join('&');
}

// The web-view entry URL: GET /auth/ticket trades the one-time ticket for a session and
// redirects to `next` (the server accepts same-site paths only, and so do we).
// `bind` (from the site's 绑定微信 button) asks the site to bind this WeChat to the
// account already logged in there, instead of logging in.
function buildWebviewSrc(base, { ticket, next, scene, from, bind }) {
  const params = {
    t: ticket,
    next: safeSitePath(next) || '/',
    scene: scene == null ? '' : scene,
    from: from || '',
  };
  if (bind) params.bind = '1';
  return base + '/auth/ticket?' + buildQuery(params);
}

// The site path of a URL shown in the web-view (onShareAppMessage's webViewUrl), or
// null when it is not on our site. A ticket URL is never shared: its `next` is.
function sitePathFromUrl(url, base) {
  if (typeof url !== 'string' || typeof base !== 'string') return null;
  const origin = base.replace(/\/+$/, '').toLowerCase();
  if (url.slice(0, origin.length).toLowerCase() !== origin) return null;
  let rest = url.slice(origin.length).split('#')[0];
  if (rest === '' || rest[0] === '?') rest = '/' + rest;
  const path = safeSitePath(rest);
  if (path === null) return null;
  const q = path.indexOf('?');
  const pathname = q === -1 ? path : path.slice(0, q);
  if (pathname === '/auth/ticket') {
    return safeSitePath(queryParam(q === -1 ? '' : path.slice(q + 1), 'next') || '') || '/';
  }
  return path;
}

// The mini-program page a share card opens for a site path.
function sharePagePath(sitePath) {
  return '/pages/share/share?' + buildQuery({ path: safeSitePath(sitePath) || '/' });
}

module.exports = {
  buildQuery,
  buildWebviewSrc,
  decodeParam,
  queryParam,
  safeSitePath,
  sharePagePath,
  sitePathFromUrl,
};
