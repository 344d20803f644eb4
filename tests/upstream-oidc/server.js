// An independent OpenID Connect provider for Gatehouse's federation tests, built on the
// `oidc-provider` package. It serves one confidential client given in the environment
// (UPSTREAM_CLIENT_ID, UPSTREAM_CLIENT_SECRET, UPSTREAM_REDIRECT_URI) and prints
// "listening <port>" once it accepts connections.
//
// Sign-in page: any account name is accepted. The name is the e-mail address; a name
// starting with "unverified:" has an unverified address. Ticking "second factor" signs in
// with amr ["pwd", "mfa"]. "Deny" answers access_denied.
import http from 'node:http';
import Provider from 'oidc-provider';

const clientId = process.env.UPSTREAM_CLIENT_ID;
const clientSecret = process.env.UPSTREAM_CLIENT_SECRET;
const redirectUri = process.env.UPSTREAM_REDIRECT_URI;

function claimsOf(accountId) {
  const unverified = accountId.startsWith('unverified:');
  const email = unverified ? accountId.slice('unverified:'.length) : accountId;
  const local = email.split('@')[0];
  const given = local.charAt(0).toUpperCase() + local.slice(1);
  return {
    sub: accountId,
    email,
    email_verified: !unverified,
    name: `${given} Upstream`,
    given_name: given,
    family_name: 'Upstream',
    locale: 'it',
  };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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
    res.end(`<!doctype html><title>Upstream sign-in</title>
<form method="post" action="/interaction/${escape(uid)}">
<input name="login" value=""><input type="checkbox" name="mfa" value="1">
<button name="decision" value="allow">Sign in</button>
<button name="decision" value="deny">Deny</button></form>`);
    return;
  }
  const form = await readForm(req);
  if (form.get('decision') === 'deny') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'the user denied the request',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const accountId = form.get('login');
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId, amr: form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'] },
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

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      // `amr` with the ID token of every openid request, as providers that report it do.
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'locale'],
    },
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => claimsOf(id) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    pkce: { required: () => true },
    cookies: { keys: ['gatehouse-federation-tests-only'] },
  });
  provider.proxy = false;
  process.stdout.write(`listening ${port}\n`);
});
