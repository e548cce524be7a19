// The demo page's own code (a file, not an inline script: the server's CSP forbids inline scripts). It uses only
// the ClerkJS API of the multi-session guide on `window.Clerk`, which /pkg/clerk.browser.js provides. Every text
// from the server or a user goes into the page through textContent, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  /** `<tag class=…>` with text children (strings become text nodes) and element children. */
  function h(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) node.append(typeof child === "string" ? document.createTextNode(child) : child);
    return node;
  }

  /** A button whose visible text is `text` and whose accessible name adds `extra` (for screen readers). */
  function button(text, extra, className) {
    const node = h("button", className, text);
    node.type = "button";
    if (extra) node.append(h("span", "visually-hidden", " " + extra));
    return node;
  }

  /** The readable message of an SDK (ClerkAPIResponseError) or other error. */
  function messageOf(error) {
    const first = error && error.errors && error.errors[0];
    return (first && (first.longMessage || first.message)) || (error && error.message) || String(error);
  }

  const DEMO_USERS = [
    ["Ada Lovelace", "ada@example.com"],
    ["Grace Hopper", "grace@example.com"],
    ["Alan Turing", "alan@example.com"],
  ];
  const DEMO_PASSWORD = "demo-password-1";

  let signInMounted = false;
  let lastSessionId;

  /** Shows the page for the current state of window.Clerk (called on load and by the listener). */
  function render() {
    const clerk = window.Clerk;
    const session = clerk.session;
    const sessions = clerk.client ? clerk.client.sessions : [];

    // SignIn while this tab has no account; the accounts and the API panels while it has one.
    $("sign-in-card").hidden = !!session;
    if (!session && !signInMounted) {
      clerk.mountSignIn($("sign-in"));
      signInMounted = true;
    } else if (session && signInMounted) {
      clerk.unmountSignIn($("sign-in"));
      signInMounted = false;
    }
    $("accounts").hidden = !session;
    $("api").hidden = !session;
    if (!session || session.id !== lastSessionId) $("api-result").textContent = "";
    lastSessionId = session ? session.id : null;

    const list = $("account-list");
    list.replaceChildren(...sessions.map((s) => accountRow(s, session)));
    $("sign-out-all").hidden = sessions.length < 2;

    const status = clerk.status;
    $("sdk-status").textContent =
      status === "degraded" ? "Offline: showing what this browser remembers" : status === "error" ? "The server cannot be reached" : "";
  }

  /** One signed-in account: name, email, and "Active in this tab" or a "Switch" button. */
  function accountRow(s, active) {
    const user = s.user;
    const email = (user && user.primaryEmailAddress && user.primaryEmailAddress.emailAddress) ||
      s.publicUserData.identifier;
    const name = (user && user.fullName) || email;
    const initials = name.split(/\s+/).map((part) => part[0] || "").join("").slice(0, 2).toUpperCase();
    const row = h("li", "account",
      h("span", "avatar", initials),
      h("span", "who", h("span", "name", name), h("span", "email", email)));
    row.firstChild.setAttribute("aria-hidden", "true");
    if (active && s.id === active.id) {
      row.classList.add("is-active");
      row.append(h("span", "badge", "Active in this tab"));
    } else {
      const switchButton = button("Switch", "to " + email, "button button-small");
      // The guide's "Switching sessions": setSession with a session id from client.sessions.
      switchButton.addEventListener("click", () => window.Clerk.setSession(s.id));
      row.append(switchButton);
    }
    return row;
  }

  /** Runs `action`, showing its error (if any) in the alert `errorId`. */
  async function guarded(errorId, action) {
    $(errorId).textContent = "";
    try {
      await action();
    } catch (error) {
      $(errorId).textContent = messageOf(error);
    }
  }

  function wire() {
    // The guide's "Sign out active session" and "Sign out of all sessions".
    $("sign-out-one").addEventListener("click", () => guarded("accounts-error", () => window.Clerk.signOutOne()));
    $("sign-out-all").addEventListener("click", () => guarded("accounts-error", () => window.Clerk.signOut()));

    $("call-api").addEventListener("click", async () => {
      const out = $("api-result");
      out.classList.remove("is-error");
      out.textContent = "Calling /api/whoami…";
      try {
        const session = window.Clerk.session;
        const token = await session.getToken();
        const response = await fetch("/api/whoami", { headers: { Authorization: "Bearer " + token } });
        const body = await response.json();
        if (!response.ok) throw body;
        const email = session.user.primaryEmailAddress.emailAddress;
        out.textContent = "The server verified your token: you are " + email + " (user " + body.user_id +
          ", session " + body.session_id + ").";
      } catch (error) {
        out.classList.add("is-error");
        out.textContent = "The call failed: " + messageOf(error);
      }
    });

    // Demo users: the guide's "Adding sessions" with the custom-flow API (sign in, then make it this tab's account).
    $("demo-user-list").replaceChildren(...DEMO_USERS.map(([name, email]) => {
      const add = button("Sign in", "as " + email, "button button-small");
      add.addEventListener("click", () => guarded("demo-error", async () => {
        try {
          const signIn = await window.Clerk.client.signIn.create({ identifier: email, password: DEMO_PASSWORD });
          if (signIn.status === "complete") await window.Clerk.setActive({ session: signIn.createdSessionId });
        } catch (error) {
          // Already signed in on this browser: switch to that account instead.
          const first = error && error.errors && error.errors[0];
          if (!first || first.code !== "identifier_already_signed_in" || !first.meta.sessionId) throw error;
          await window.Clerk.setActive({ session: first.meta.sessionId });
        }
      }));
      return h("li", "demo-user", h("span", "who", h("span", "name", name), h("span", "email", email)), add);
    }));
  }

  async function main() {
    wire();
    try {
      await window.Clerk.load({ appearance: { baseTheme: "auto" } }); // components follow the page's light/dark
    } catch (error) {
      $("sdk-status").textContent = "The SDK could not start: " + messageOf(error);
      return;
    }
    window.Clerk.mountUserButton($("user-button"), { showName: true });
    window.Clerk.addListener(render); // called at once with the current state, then on every change
  }

  main();
})();
