// The reference provider of the comparison benchmark (tests/benches/compare.rs): the
// `oidc-provider` package (the OpenID-certified Node.js provider) with its default in-memory
// storage and opaque tokens, configured for the measured scenarios and nothing else.
//
// One confidential client from the environment (BENCH_CLIENT_ID, BENCH_CLIENT_SECRET,
// BENCH_REDIRECT_URI) may use the code flow with refresh tokens and client credentials. The sign-in page accepts
// any account name: the reference keeps no password store, so its password sign-in costs no
// hash (the comparison says so). Prints "listening <port>" once it accepts connections.
import http from 'node:http';
import Provider from 'oidc-provider';

const clientId = process.env.BENCH_CLIENT_ID;
const clientSecret = process.env.BENCH_CLIENT_SECRET;
const redirectUri = process.env.BENCH_REDIRECT_URI;
const port = Number(process.env.BENCH_PORT || 0);

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

let provider;

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Sign in</title>
<form method="post" action="/interaction/${encodeURIComponent(uid)}">
<input name="login" value=""><input name="password" type="password" value="">
<button>Sign in</button></form>`);
    return;
  }
  const form = await readForm(req);
  const accountId = form.get('login');
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)/.exec(req.url);
  if (match) {
    interaction(req, res, match[1]).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    return;
  }
  provider.callback()(req, res);
});

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  provider = new Provider(`http://127.0.0.1:${bound}`, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid offline_access email api:read',
    }],
    scopes: ['openid', 'offline_access', 'email', 'api:read'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
    },
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true }),
    }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    // A refresh token with every code and a new one at every refresh, as Gatehouse does.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    pkce: { required: () => true },
  });
  provider.proxy = false;
  process.stdout.write(`listening ${bound}\n`);
});
