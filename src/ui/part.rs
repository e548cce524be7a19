//! The marked elements of the components (`data-cw-part`).

/// An element of a component marked `data-cw-part`, which focus handling, hit tests and layout look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The SignIn/SignUp card (the dialog in a modal).
    Dialog,
    /// The UserButton's panel.
    Panel,
    /// The UserButton's trigger.
    Trigger,
}

impl Part {
    /// Every part.
    #[cfg(test)]
    const ALL: [Part; 3] = [Part::Dialog, Part::Panel, Part::Trigger];

    /// The `data-cw-part` value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Part::Dialog => "dialog",
            Part::Panel => "panel",
            Part::Trigger => "trigger",
        }
    }

    /// The selector of the element marked with this part (a literal: no string building at run time).
    pub(crate) fn selector(self) -> &'static str {
        match self {
            Part::Dialog => "[data-cw-part=\"dialog\"]",
            Part::Panel => "[data-cw-part=\"panel\"]",
            Part::Trigger => "[data-cw-part=\"trigger\"]",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Part;

    #[test]
    fn part_selectors_select_the_marked_element() {
        for part in Part::ALL {
            assert_eq!(
                part.selector(),
                ["[data-cw-part=\"", part.name(), "\"]"].concat()
            );
        }
    }
}
