const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The look of the local issuer's pages. */
const pageStyle = `<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f6f8; color: #1b2733; }
  main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); width: min(22rem, 90vw); }
  h1 { font-size: 1.4rem; margin: 0 0 0.25rem; }
  p.sub { margin: 0 0 1.5rem; color: #4a5866; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { width: 100%; box-sizing: border-box; padding: 0.6rem; font: inherit; border: 1px solid #7a8794; border-radius: 4px; }
  button { margin-top: 1.5rem; width: 100%; padding: 0.7rem; font: inherit; font-weight: 600; color: #fff; background: #0b5cad; border: 0; border-radius: 4px; cursor: pointer; }
  button.secondary { background: #fff; color: #0b5cad; border: 1px solid #0b5cad; margin-top: 0.75rem; }
  .error { color: #a4161a; background: #fdecec; padding: 0.5rem 0.75rem; border-radius: 4px; }
  footer { margin-top: 1.5rem; font-size: 0.85rem; color: #4a5866; }
</style>`;

/** A page of the local issuer: its look, and `main`'s content. */
function issuerPage(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Campus Cloud</title>
${pageStyle}
</head>
<body>
<main>
${main}
  <footer>Local sign-in of the Campus Cloud platform on this machine.</footer>
</main>
</body>
</html>`;
}

/** The local issuer's sign-in form: what Cognito's hosted page is on AWS. */
export function signInPage(options: { action: string; username?: string; error?: string; clientName: string }): string {
  const error = options.error
    ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(options.error)}</p>`
    : '';
  return issuerPage(
    'Sign in',
    `  <h1>Sign in</h1>
  <p class="sub">to ${escapeHtml(options.clientName)}</p>
  ${error}
  <form method="post" action="${escapeHtml(options.action)}" autocomplete="on">
    <label for="username">E-mail</label>
    <input id="username" name="username" type="email" required autocomplete="username" value="${escapeHtml(options.username ?? '')}"${options.error ? ' aria-describedby="sign-in-error"' : ''}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required autocomplete="current-password">
    <button type="submit">Sign in</button>
  </form>`,
  );
}

/**
 * The local issuer's sign-out confirmation, in the look of its sign-in page. `form` is
 * oidc-provider's hidden form (with its anti-forgery token) that the buttons submit.
 */
export function signOutPage(form: string): string {
  return issuerPage(
    'Sign out',
    `  <h1>Sign out</h1>
  <p class="sub">of Campus Cloud on this device</p>
  ${form}
  <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
  <button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}
