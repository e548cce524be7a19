// The app: `import { Clerk } from "clerk-wasm"` (the package initialises its wasm itself), then the multi-session
// guide's ClerkJS snippets on window.Clerk. The frontend API is the server serving this page.
import { Clerk, isClerkAPIResponseError } from "clerk-wasm";
import "./style.css";

const $ = (id) => document.getElementById(id);
const publishableKey = "pk_test_" + btoa(`${location.host}$`);
window.Clerk = new Clerk(publishableKey, { afterSignOutUrl: "/" });

let signInMounted = false;

function render() {
  // Getting the active session (the guide's "Active session/user").
  const activeSession = window.Clerk.session;
  // You can retrieve all the available sessions through the client.
  const availableSessions = window.Clerk.client.sessions;

  $("sign-in-card").hidden = !!activeSession;
  $("accounts").hidden = !activeSession;
  if (!activeSession && !signInMounted) window.Clerk.mountSignIn($("sign-in"));
  if (activeSession && signInMounted) window.Clerk.unmountSignIn($("sign-in"));
  signInMounted = !activeSession;

  $("account-list").replaceChildren(...availableSessions.map((s) => {
    const email = s.publicUserData?.identifier ?? s.id;
    const row = document.createElement("li");
    row.textContent = email;
    if (s.id === activeSession?.id) {
      row.append(" (active)");
    } else {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Switch";
      button.setAttribute("aria-label", `Switch to ${email}`);
      // Use setSession to set the active session.
      button.addEventListener("click", () => window.Clerk.setSession(s.id));
      row.append(" ", button);
    }
    return row;
  }));
}

async function guarded(action) {
  $("error").textContent = "";
  try {
    await action();
  } catch (e) {
    $("error").textContent = isClerkAPIResponseError(e) ? e.errors[0].longMessage ?? e.message : String(e);
  }
}

$("sign-out-one").addEventListener("click", () => guarded(() => window.Clerk.signOutOne()));
$("sign-out-all").addEventListener("click", () => guarded(() => window.Clerk.signOut()));

await window.Clerk.load();
const el = document.getElementById("user-button");
// Mount the pre-built Clerk UserButton component in an HTMLElement on your page.
window.Clerk.mountUserButton(el, { showName: true });
window.Clerk.addListener(render);
