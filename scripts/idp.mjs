// A local OpenID Connect provider (npm `oidc-provider`) for the tests and the demo: one static confidential client,
// and a login step without any page. Who signs in is, in this order: the identity named by the authorization
// request's `login_hint` (its `sub` or email), else the one set through `POST /_test/login`, else the first demo
// identity. `POST /_test/login` with `{"error": "access_denied"}` makes the provider refuse instead (as when a user
// cancels), until another identity is set.
//
//   node scripts/idp.mjs [--port 0] [--client-id demo-client] [--client-secret demo-secret] [--redirect-uri URI]…
//
// Listens on 127.0.0.1 only and prints `idp issuer: http://127.0.0.1:<port>` once ready. The client is a "native"
// application in oidc-provider's terms so that its loopback redirect URIs (`http://127.0.0.1/v1/oauth_callback`,
// `http://localhost/v1/oauth_callback`) match on any port (RFC 8252, section 7.3): the reference server's port is
// chosen when it starts. Extra redirect URIs can be given with `--redirect-uri`.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string', default: 'demo-client' },
    'client-secret': { type: 'string', default: 'demo-secret' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
  },
});

/** The identities the demo offers; tests add their own with `POST /_test/login`. */
const identities = new Map(
  [
    { sub: 'demo-1', email: 'ines@example.com', email_verified: true, given_name: 'Inès', family_name: 'Demo' },
    { sub: 'demo-2', email: 'omar@example.com', email_verified: true, given_name: 'Omar', family_name: 'Demo' },
  ].map((identity) => [identity.sub, identity]),
);
/** What the next interactions do when no `login_hint` names an identity: sign in this `sub`, or refuse. */
let next = { sub: 'demo-1' };

/** The identity `hint` names (a `sub` or an email address), if any. */
function identityByHint(hint) {
  if (!hint) return undefined;
  if (identities.has(hint)) return identities.get(hint);
  return [...identities.values()].find((identity) => identity.email === hint);
}

/** `{"sub": …, "email": …, …}` registers (or replaces) that identity and signs it in from now on;
 * `{"error": "access_denied"}` refuses from now on. */
function setNext(body) {
  if (typeof body?.error === 'string') {
    next = { error: body.error };
    return;
  }
  if (typeof body?.sub !== 'string' || body.sub === '') throw new Error('sub (a string) or error is required');
  identities.set(body.sub, {
    sub: body.sub,
    email: body.email,
    email_verified: body.email_verified,
    given_name: body.given_name,
    family_name: body.family_name,
  });
  next = { sub: body.sub };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'idp-key-1', alg: 'RS256', use: 'sig' };

/** The oidc-provider instance, created once the port (and so the issuer URL) is known. */
let provider;

function configuration() {
  return {
    clients: [
      {
        client_id: options['client-id'],
        client_secret: options['client-secret'],
        application_type: 'native',
        redirect_uris: [
          'http://127.0.0.1/v1/oauth_callback',
          'http://localhost/v1/oauth_callback',
          ...options['redirect-uri'],
        ],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // The id_token carries the email and names itself (the reference server reads no userinfo endpoint).
    conformIdTokenClaims: false,
    // Short-lived artifacts: a sign-in at this provider lasts the length of a test or a demo.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const identity = identities.get(sub);
      if (!identity) return undefined;
      return {
        accountId: sub,
        async claims() {
          const name = [identity.given_name, identity.family_name].filter(Boolean).join(' ');
          return { ...identity, ...(name ? { name } : {}) };
        },
      };
    },
  };
}

/** The login step: no page, the identity is decided as described at the top. */
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  let result;
  if (details.prompt.name === 'consent') {
    // No consent page: the signed-in identity grants `openid email profile` at once.
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope('openid email profile');
    result = { consent: { grantId: await grant.save() } };
  } else {
    const hinted = identityByHint(details.params.login_hint);
    if (hinted) result = { login: { accountId: hinted.sub } };
    else if (next.error) result = { error: next.error, error_description: 'The user cancelled the sign-in.' };
    else result = { login: { accountId: next.sub } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

const server = createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (path.startsWith('/interaction/') && req.method === 'GET') {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error.message}\n`);
    });
    return;
  }
  if (path === '/_test/login' && req.method === 'POST') {
    readJson(req)
      .then((body) => {
        setNext(body);
        res.writeHead(204).end();
      })
      .catch((error) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`${error.message}\n`);
      });
    return;
  }
  provider.callback()(req, res);
});

server.listen(Number(options.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, configuration());
  // Errors the provider answers (bad client secret, expired code…) are the tests' business, not this log's.
  provider.on('server_error', (_ctx, error) => console.error('idp server error:', error));
  console.log(`idp issuer: ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
