//! DOM events as the components read them. Markup names what a control does with `data-cw-action` (and
//! `data-cw-arg`), so one delegated listener per event type serves the whole component. Event fields are read with
//! `Reflect`, so a synthetic or unusual event can never make a typed getter throw.

use super::part::Part;
use crate::adapters::reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, Node};

/// The event types components listen to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    /// `click` (buttons, links, the backdrop).
    Click,
    /// `keydown` (Enter/Space on the trigger, Escape, Tab).
    KeyDown,
    /// `input` (typing into a field).
    Input,
    /// `submit` (a form).
    Submit,
    /// `error` (an avatar image failed to load).
    Error,
    /// `pointerdown` on the document (outside a popover).
    PointerDown,
    /// `scroll` on the document.
    Scroll,
    /// `resize` of the window.
    Resize,
}

impl EventKind {
    /// The DOM event type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EventKind::Click => "click",
            EventKind::KeyDown => "keydown",
            EventKind::Input => "input",
            EventKind::Submit => "submit",
            EventKind::Error => "error",
            EventKind::PointerDown => "pointerdown",
            EventKind::Scroll => "scroll",
            EventKind::Resize => "resize",
        }
    }
}

/// What a control does when clicked: the `data-cw-action` values of every component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// UserButton: the trigger.
    Toggle,
    /// UserButton: another account (`data-cw-arg`: its session id).
    Switch,
    /// UserButton: "Sign out".
    SignOut,
    /// UserButton: "Sign out of all accounts".
    SignOutAll,
    /// UserButton: "Add account".
    AddAccount,
    /// UserButton: "Manage account".
    Manage,
    /// SignIn: "Email me a code".
    EmailCode,
    /// "Resend code".
    Resend,
    /// SignIn's chooser: an account (`data-cw-arg`: its session id).
    Continue,
    /// SignIn's chooser: "Use another account".
    UseAnother,
    /// "Back".
    Back,
    /// The "Sign up" link.
    ToSignUp,
    /// The "Sign in" link.
    ToSignIn,
    /// A modal's close button.
    Close,
    /// A modal's backdrop.
    Backdrop,
}

impl Action {
    /// Every action.
    const ALL: [Action; 15] = [
        Action::Toggle,
        Action::Switch,
        Action::SignOut,
        Action::SignOutAll,
        Action::AddAccount,
        Action::Manage,
        Action::EmailCode,
        Action::Resend,
        Action::Continue,
        Action::UseAnother,
        Action::Back,
        Action::ToSignUp,
        Action::ToSignIn,
        Action::Close,
        Action::Backdrop,
    ];

    /// The `data-cw-action` value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Toggle => "toggle",
            Action::Switch => "switch",
            Action::SignOut => "sign-out",
            Action::SignOutAll => "sign-out-all",
            Action::AddAccount => "add-account",
            Action::Manage => "manage",
            Action::EmailCode => "email-code",
            Action::Resend => "resend",
            Action::Continue => "continue",
            Action::UseAnother => "use-another",
            Action::Back => "back",
            Action::ToSignUp => "to-sign-up",
            Action::ToSignIn => "to-sign-in",
            Action::Close => "close",
            Action::Backdrop => "backdrop",
        }
    }

    /// The action named `name`.
    fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The keys the components handle (`KeyboardEvent.key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// `Enter`.
    Enter,
    /// `" "`.
    Space,
    /// `Escape`.
    Escape,
    /// `Tab`.
    Tab,
}

/// One event delivered to a component.
pub(crate) struct UiEvent {
    /// The DOM event.
    event: Event,
    /// Its type (the one the listener was registered for).
    pub(crate) kind: EventKind,
}

/// `event[key]` as a string.
fn string_field(value: &JsValue, key: &str) -> Option<String> {
    reflect::string(value, key)
}

/// A node's `nodeType` (`None` for what is not a node, such as the window).
fn node_type(value: &JsValue) -> Option<u16> {
    reflect::number(value, "nodeType").map(|n| n as u16)
}

impl UiEvent {
    /// Wraps a DOM event of type `kind`.
    pub(crate) fn new(event: Event, kind: EventKind) -> Self {
        UiEvent { event, kind }
    }

    /// The element the event targets (a text node's parent for text targets).
    pub(crate) fn target(&self) -> Option<Element> {
        let node: JsValue = reflect::object(&self.event, "target")?;
        if node_type(&node) == Some(Node::ELEMENT_NODE) {
            Some(node.unchecked_into())
        } else {
            reflect::object(&node, "parentElement")
        }
    }

    /// The action (`data-cw-action`) and its `data-cw-arg` of the closest element that has one.
    pub(crate) fn action(&self) -> Option<(Action, Option<String>)> {
        let el = self.target()?.closest("[data-cw-action]").ok()??;
        let action = Action::parse(&el.get_attribute("data-cw-action")?)?;
        Some((action, el.get_attribute("data-cw-arg")))
    }

    /// Whether the target is inside the element marked `data-cw-part="<part>"`.
    pub(crate) fn within(&self, part: Part) -> bool {
        self.target()
            .and_then(|t| t.closest(part.selector()).ok().flatten())
            .is_some()
    }

    /// Whether the target is `root` or inside it.
    pub(crate) fn inside(&self, root: &Element) -> bool {
        // `contains` throws for a non-node (the window), so check what the target is first.
        let target: Option<JsValue> = reflect::object(&self.event, "target");
        target.is_some_and(|t| {
            node_type(&t).is_some_and(|n| n != 0) && root.contains(Some(t.unchecked_ref()))
        })
    }

    /// The key pressed, among those the components handle (`None` for other keys and other events).
    pub(crate) fn key(&self) -> Option<Key> {
        Some(match string_field(&self.event, "key")?.as_str() {
            "Enter" => Key::Enter,
            " " => Key::Space,
            "Escape" => Key::Escape,
            "Tab" => Key::Tab,
            _ => return None,
        })
    }

    /// Whether Shift was held.
    pub(crate) fn shift(&self) -> bool {
        reflect::boolean(&self.event, "shiftKey") == Some(true)
    }

    /// The `name` and current `value` of the input the event targets.
    pub(crate) fn input(&self) -> Option<(String, String)> {
        let target = self.target()?;
        Some((
            string_field(&target, "name")?,
            string_field(&target, "value")?,
        ))
    }

    /// The `src` of the image the event targets.
    pub(crate) fn image_src(&self) -> Option<String> {
        let target = self.target()?;
        let tag = reflect::string(&target, "tagName").unwrap_or_default();
        if tag.eq_ignore_ascii_case("img") {
            target.get_attribute("src")
        } else {
            None
        }
    }

    /// Stops the browser's default handling (form submission, Tab moving focus, ...).
    pub(crate) fn prevent_default(&self) {
        self.event.prevent_default();
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn action_names_parse_back() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.name()), Some(action));
        }
        assert_eq!(Action::parse("nothing"), None);
    }
}
