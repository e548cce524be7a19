//! What every component and view works with ([`Env`]), shared by a mount and the modals it opens.

use super::appearance::Appearance;
use super::dom::{Dom, El};
use super::events::Action;
use super::localization::{Strings, Text};
use crate::clerk::Controller;
use std::rc::Rc;

/// What a component works with: the instance, its document, its strings and look, and a unique id prefix. Shared
/// (`Rc`) by a mount and the modals it opens.
pub(crate) struct Env {
    /// The instance.
    pub(crate) controller: Controller,
    /// The host's document.
    pub(crate) dom: Dom,
    /// The strings in effect.
    pub(crate) strings: Strings,
    /// The look in effect.
    pub(crate) appearance: Appearance,
    /// Opens the SignIn modal to add an account ([`super::runtime::Effect::AddAccount`]): handed in by the layer
    /// that mounts components, so the runtime below it depends on no modal.
    pub(crate) add_account: fn(Rc<Env>),
    /// Prefix of this mount's element ids (`cw7`), so labels and descriptions never collide.
    pub(crate) id: String,
}

impl Env {
    /// A unique element id for this mount.
    pub(crate) fn id(&self, suffix: &str) -> String {
        [self.id.as_str(), "-", suffix].concat()
    }

    /// A `<button type="button">` of `class` sending `action`, keyed (`data-cw-key`) by the action's name.
    pub(crate) fn button(&self, action: Action, class: &str) -> El {
        self.dom
            .button(action, class)
            .attr("data-cw-key", action.name())
    }

    /// [`Env::button`] reading `text`.
    pub(crate) fn text_button(&self, action: Action, class: &str, text: Text) -> El {
        self.button(action, class).text(self.strings.get(text))
    }
}
