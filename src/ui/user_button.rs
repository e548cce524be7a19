//! UserButton: the active account's avatar as a menu trigger; its panel shows the account, "Manage account",
//! "Sign out", and in multi-session mode the other accounts to switch to, "Add account" and "Sign out of all
//! accounts". Signed out, it renders nothing until an account signs in.

use super::avatar::{self, Account};
use super::dom::El;
use super::env::Env;
use super::events::{Action, EventKind, Key, UiEvent};
use super::focus::Focus;
use super::localization::Text;
use super::part::Part;
use super::props::UserButtonProps;
use super::runtime::{Component, Effect, Runtime, Step};
use crate::adapters::page;
use crate::clerk::SignOutTarget;
use crate::core::state::sign_out_redirect;
use crate::core::ClerkError;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

/// The UserButton's state.
pub(crate) struct UserButton {
    /// The props.
    props: UserButtonProps,
    /// Whether the panel is open.
    open: bool,
    /// Image URLs that failed to load (initials are shown instead).
    failed_images: Vec<String>,
}

/// What happens to a UserButton.
pub(crate) enum Msg {
    /// The trigger was clicked (or Enter/Space pressed on it).
    Toggle,
    /// Escape inside the component.
    Escape,
    /// A pointer went down outside the component.
    Outside,
    /// Tab / Shift+Tab inside the panel.
    Tab {
        /// Shift+Tab.
        back: bool,
    },
    /// "Switch to …".
    Switch(String),
    /// "Sign out", or "Sign out of all accounts".
    SignOut {
        /// It is "Sign out of all accounts".
        all: bool,
    },
    /// A sign-out finished.
    SignedOut {
        /// It was "Sign out of all accounts".
        all: bool,
        /// The outcome.
        result: Result<(), ClerkError>,
    },
    /// "Add account".
    AddAccount,
    /// "Manage account".
    Manage,
    /// An avatar image failed to load.
    ImageFailed(String),
    /// The viewport scrolled or resized.
    Layout,
    /// The instance's state changed.
    StateChanged,
}

/// Mounts a UserButton into `host`.
pub(crate) fn mount(
    env: Rc<Env>,
    host: &Element,
    props: &JsValue,
    options: &JsValue,
) -> Rc<Runtime> {
    let props = UserButtonProps::read(props, options);
    let open = props.default_open;
    let component = UserButton {
        props,
        open,
        failed_images: Vec::new(),
    };
    Runtime::start(env, host.clone(), false, component)
}

impl UserButton {
    /// Closes the panel and puts the focus back on the trigger.
    fn close(&mut self) -> Step<Msg> {
        self.open = false;
        Step::render().then(Effect::Focus(Focus::Key("trigger")))
    }

    /// The panel for the active `account`.
    fn panel(&self, env: &Env, account: &Account) -> El {
        let (dom, s) = (&env.dom, &env.strings);
        let actions = dom.el("div").class("cw-actions");
        if self.props.user_profile_url.is_some() {
            actions.push(env.text_button(Action::Manage, "cw-pill", Text::ManageAccount));
        }
        actions.push(env.text_button(Action::SignOut, "cw-pill", Text::SignOut));
        let panel = dom
            .el("div")
            .class("cw-panel")
            .attr("role", "dialog")
            .attr("aria-label", s.get(Text::AccountPanel))
            .attr("id", &env.id("panel"))
            .attr("data-cw-part", Part::Panel.name())
            .child(avatar::row(
                &env.dom,
                account,
                "div",
                true,
                &self.failed_images,
            ))
            .child(actions);
        if !env.controller.is_multi_session() {
            return panel;
        }
        let sessions = env.controller.signed_in_sessions();
        let others = sessions
            .iter()
            .filter(|session| session.id != account.session_id);
        if others.clone().next().is_some() {
            let group = dom
                .el("div")
                .class("cw-group")
                .attr("role", "group")
                .attr("aria-label", s.get(Text::SwitchAccount));
            for other in others {
                group.push(avatar::account_button(
                    env,
                    &Account::of(other),
                    Action::Switch,
                    Text::SwitchTo,
                    &self.failed_images,
                ));
            }
            panel.push(group);
        }
        let plain = "cw-item cw-item-plain";
        panel.push(avatar::plus_button(
            env,
            Action::AddAccount,
            plain,
            Text::AddAccount,
        ));
        if sessions.len() >= 2 {
            panel.push(env.text_button(Action::SignOutAll, plain, Text::SignOutAll));
        }
        panel
    }
}

impl Component for UserButton {
    type Msg = Msg;
    const ROOT_CLASS: &'static str = "cw-root cw-user-button";

    fn decode(&self, event: &UiEvent) -> Option<Msg> {
        match event.kind {
            EventKind::Click => match event.action()? {
                (Action::Toggle, _) => Some(Msg::Toggle),
                (Action::Switch, id) => id.map(Msg::Switch),
                (Action::SignOut, _) => Some(Msg::SignOut { all: false }),
                (Action::SignOutAll, _) => Some(Msg::SignOut { all: true }),
                (Action::AddAccount, _) => Some(Msg::AddAccount),
                (Action::Manage, _) => Some(Msg::Manage),
                _ => None,
            },
            EventKind::KeyDown => {
                let key = event.key()?;
                let on_trigger = matches!(event.action(), Some((Action::Toggle, _)));
                let msg = match key {
                    // Handled here (not by the button's own activation) so the keys work the same for every input
                    // method; preventing the default stops the browser's extra click.
                    Key::Enter | Key::Space if on_trigger => Msg::Toggle,
                    Key::Escape if self.open => Msg::Escape,
                    Key::Tab if self.open && event.within(Part::Panel) => Msg::Tab {
                        back: event.shift(),
                    },
                    _ => return None,
                };
                event.prevent_default();
                Some(msg)
            }
            EventKind::Error => event.image_src().map(Msg::ImageFailed),
            _ => None,
        }
    }

    fn decode_outside(&self, event: &UiEvent, root: &Element) -> Option<Msg> {
        match event.kind {
            EventKind::PointerDown if !event.inside(root) => Some(Msg::Outside),
            EventKind::Scroll | EventKind::Resize => Some(Msg::Layout),
            _ => None,
        }
    }

    fn listens_outside(&self) -> bool {
        self.open
    }

    fn state_changed(&self) -> Msg {
        Msg::StateChanged
    }

    fn update(&mut self, msg: Msg, env: &Env) -> Step<Msg> {
        let controller = env.controller.clone();
        match msg {
            Msg::Toggle if self.open => self.close(),
            Msg::Toggle => {
                self.open = true;
                Step::render().then(Effect::Focus(Focus::First(Part::Panel)))
            }
            Msg::Escape => self.close(),
            Msg::Outside => {
                self.open = false;
                Step::render()
            }
            Msg::Tab { back } => Step::quiet().then(Effect::Focus(Focus::Cycle {
                part: Part::Panel,
                back,
            })),
            Msg::Switch(session) => self.close().then(Effect::Activate {
                session,
                after: self.props.after_switch_session_url.clone(),
                failure: "could not switch accounts: ",
            }),
            Msg::SignOut { all } => self.close().spawn(Box::pin(async move {
                let target = if all {
                    SignOutTarget::All
                } else {
                    SignOutTarget::Active
                };
                let result = controller.sign_out(target).await;
                Msg::SignedOut { all, result }
            })),
            Msg::SignedOut { all, result } => {
                if let Err(e) = result {
                    page::warn_parts(&["could not sign out: ", e.code(), ": ", e.message()]);
                    return Step::quiet();
                }
                let remaining = controller.signed_in_sessions().len();
                let target = sign_out_redirect(
                    !all,
                    remaining,
                    self.props
                        .after_multi_session_single_sign_out_url
                        .as_deref(),
                    self.props.after_sign_out_url.as_deref(),
                )
                .map(str::to_string);
                Step::quiet().navigate(target)
            }
            Msg::AddAccount => match self.props.sign_in_url.clone() {
                Some(url) => self.close().then(Effect::Navigate(url)),
                None => self.close().then(Effect::AddAccount),
            },
            Msg::Manage => {
                let url = self.props.user_profile_url.clone();
                self.close().navigate(url)
            }
            Msg::ImageFailed(url) => {
                if self.failed_images.contains(&url) {
                    return Step::quiet();
                }
                self.failed_images.push(url);
                Step::render()
            }
            Msg::Layout => Step::quiet().then(Effect::Layout),
            Msg::StateChanged => {
                if env.controller.active_session().is_none() {
                    self.open = false;
                }
                Step::render()
            }
        }
    }

    fn view(&self, env: &Env, root: &El) {
        let Some(session) = env.controller.active_session() else {
            return;
        };
        let account = Account::of(&session);
        let (dom, s) = (&env.dom, &env.strings);
        let label = if self.open {
            Text::CloseUserMenu
        } else {
            Text::OpenUserMenu
        };
        let mut trigger = dom
            .button(Action::Toggle, "cw-trigger")
            .attr("data-cw-key", "trigger")
            .attr("data-cw-part", Part::Trigger.name())
            .attr("aria-label", s.get(label))
            .attr("aria-haspopup", "dialog")
            .attr("aria-expanded", if self.open { "true" } else { "false" })
            .child(avatar::view(dom, &account, false, &self.failed_images));
        if self.open {
            trigger = trigger.attr("aria-controls", &env.id("panel"));
        }
        if self.props.show_name {
            trigger = trigger.child(
                dom.el("span")
                    .class("cw-trigger-name cw-ellipsis")
                    .text(account.label()),
            );
        }
        root.push(trigger);
        if self.open {
            root.push(self.panel(env, &account));
        }
    }

    fn layout(&self, root: &Element) {
        if !self.open {
            return;
        }
        let part = |part: Part| root.query_selector(part.selector()).ok().flatten();
        if let (Some(panel), Some(trigger)) = (part(Part::Panel), part(Part::Trigger)) {
            super::position::anchor(&panel, &trigger);
        }
    }
}
