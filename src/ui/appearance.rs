//! `appearance`: `{ baseTheme: "light" | "dark" | "auto", variables: { colorPrimary, colorBackground, colorText,
//! colorDanger, borderRadius, fontFamily } }`. The theme becomes `data-cw-theme` on the component root (the
//! stylesheet follows `prefers-color-scheme` for `auto`); variables become CSS custom properties set through the
//! CSSOM (`style.setProperty`), which the strict CSP allows, unlike `style` attributes.

use super::props::Props;
use wasm_bindgen::JsValue;
use web_sys::{CssStyleDeclaration, Element};

/// The base theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Theme {
    /// Dark text on light surfaces (the default).
    #[default]
    Light,
    /// Light text on dark surfaces.
    Dark,
    /// Follows the system's `prefers-color-scheme`.
    Auto,
}

impl Theme {
    /// The `data-cw-theme` value.
    fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }

    /// Parses a `baseTheme` value.
    fn parse(value: &str) -> Option<Theme> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "auto" => Some(Theme::Auto),
            _ => None,
        }
    }
}

/// The `variables` keys and the custom properties they set.
const VARIABLES: [(&str, &str); 6] = [
    ("colorPrimary", "--cw-color-primary"),
    ("colorBackground", "--cw-color-background"),
    ("colorText", "--cw-color-text"),
    ("colorDanger", "--cw-color-danger"),
    ("borderRadius", "--cw-radius"),
    ("fontFamily", "--cw-font"),
];

/// Longest accepted variable value: enough for any color or font stack, short enough to bound what we store.
const MAX_VALUE_LEN: usize = 200;

/// Whether `value` is acceptable as a variable: a plain value, not something that could load resources or break
/// out of the declaration (`url(`, `;`, braces).
fn is_plain_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !value.trim().is_empty()
        && value.len() <= MAX_VALUE_LEN
        && !lower.contains("url(")
        && !lower.contains("image(")
        && !value
            .bytes()
            .any(|b| matches!(b, b';' | b'{' | b'}' | b'\\'))
}

/// The appearance in effect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Appearance {
    /// The base theme.
    theme: Theme,
    /// Custom property name and value.
    variables: Vec<(&'static str, String)>,
}

impl Appearance {
    /// Adds an `appearance` object on top (later calls win; bad values are warned about and skipped).
    pub(crate) fn overlay(&mut self, appearance: &JsValue) {
        let props = Props::new(appearance, "appearance");
        if let Some(name) = props.string("baseTheme") {
            match Theme::parse(&name) {
                Some(theme) => self.theme = theme,
                None => crate::adapters::page::warn(
                    "appearance.baseTheme should be \"light\", \"dark\" or \"auto\"",
                ),
            }
        }
        let variables = props.raw("variables");
        let variables = Props::new(&variables, "appearance.variables");
        for (key, property) in VARIABLES {
            let value = variables.string(key);
            if value.is_some_and(|v| !self.set_variable(property, v)) {
                crate::adapters::page::warn_parts(&[
                    "appearance.variables.",
                    key,
                    " is not a plain CSS value; ignoring it",
                ]);
            }
        }
    }

    /// Sets one custom property if its value is plain (`false`: refused).
    fn set_variable(&mut self, property: &'static str, value: String) -> bool {
        if !is_plain_value(&value) {
            return false;
        }
        match self.variables.iter_mut().find(|(p, _)| *p == property) {
            Some(slot) => slot.1 = value,
            None => self.variables.push((property, value)),
        }
        true
    }

    /// Applies the theme and the variables to a component root.
    pub(crate) fn apply(&self, root: &Element) {
        let _ = root.set_attribute("data-cw-theme", self.theme.as_str());
        let Some(style) = style_of(root) else {
            return;
        };
        for (property, value) in &self.variables {
            let _ = style.set_property(property, value);
        }
    }
}

/// The element's CSSOM inline style (`element.style`), read structurally so it works for any document's elements.
fn style_of(el: &Element) -> Option<CssStyleDeclaration> {
    crate::adapters::reflect::object(el, "style")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_parse_and_print() {
        for name in ["light", "dark", "auto"] {
            assert_eq!(Theme::parse(name).map(Theme::as_str), Some(name));
        }
        assert_eq!(Theme::parse("Dark"), None);
        assert_eq!(Theme::default(), Theme::Light);
    }

    #[test]
    fn plain_values_pass_and_injections_do_not() {
        for ok in [
            "#ff0000",
            "rgb(1 2 3 / 50%)",
            "12px",
            "\"Inter\", system-ui, sans-serif",
            "hsl(200deg 50% 40%)",
        ] {
            assert!(is_plain_value(ok), "{ok}");
        }
        for bad in [
            "",
            "  ",
            "red; background: blue",
            "url(https://evil.test/x)",
            "URL(x)",
            "}body{",
            "image(red)",
            "\\75rl(x)",
        ] {
            assert!(!is_plain_value(bad), "{bad}");
        }
        assert!(!is_plain_value(&"a".repeat(MAX_VALUE_LEN + 1)));
    }

    #[test]
    fn later_values_replace_earlier_ones() {
        let mut a = Appearance::default();
        assert!(a.set_variable("--cw-color-primary", "red".into()));
        assert!(a.set_variable("--cw-color-primary", "blue".into()));
        assert!(!a.set_variable("--cw-color-primary", "url(x)".into()));
        assert_eq!(
            a.variables,
            vec![("--cw-color-primary", "blue".to_string())]
        );
    }
}
