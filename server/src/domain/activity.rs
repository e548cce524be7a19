//! What a session's latest request says about the device: browser, version and device type read from the
//! `User-Agent` header by a few well-known tokens (no full user-agent database: good enough to tell devices apart
//! in a list, never used for a security decision).

/// Browser and device read from a `User-Agent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// `Chrome`, `Firefox`, `Safari`, `Edge`, `Opera`, or empty when unknown.
    pub browser_name: String,
    /// The version after the browser's token (e.g. `131.0.0.0`), or empty.
    pub browser_version: String,
    /// `mobile`, `tablet` or `desktop` (desktop when unknown).
    pub device_type: &'static str,
}

impl Device {
    /// Whether the device is a phone or tablet.
    pub fn is_mobile(&self) -> bool {
        self.device_type != "desktop"
    }
}

/// Read the browser and device from a `User-Agent` value (any text; nothing here fails).
pub fn parse_user_agent(ua: &str) -> Device {
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];
    let (browser_name, browser_version) = BROWSERS
        .iter()
        .find_map(|(token, name)| {
            let start = ua.find(token)? + token.len();
            let version: String = ua[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .take(32)
                .collect();
            if *name == "Safari" && !ua.contains("Safari/") {
                return None;
            }
            Some((name.to_string(), version))
        })
        .unwrap_or_default();
    let device_type = if ua.contains("iPad") || ua.contains("Tablet") {
        "tablet"
    } else if ua.contains("Mobi") || ua.contains("iPhone") || ua.contains("Android") {
        "mobile"
    } else {
        "desktop"
    };
    Device {
        browser_name,
        browser_version,
        device_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(ua: &str) -> (String, String, &'static str) {
        let d = parse_user_agent(ua);
        (d.browser_name, d.browser_version, d.device_type)
    }

    #[test]
    fn common_browsers() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(
            read(chrome),
            ("Chrome".into(), "131.0.0.0".into(), "desktop")
        );
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(read(firefox), ("Firefox".into(), "128.0".into(), "desktop"));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
        assert_eq!(
            read(edge),
            ("Edge".into(), "120.0.2210.91".into(), "desktop")
        );
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(read(iphone), ("Safari".into(), "17.1".into(), "mobile"));
        assert!(parse_user_agent(iphone).is_mobile());
        let ipad = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(read(ipad).2, "tablet");
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(
            read(android),
            ("Chrome".into(), "131.0.0.0".into(), "mobile")
        );
    }

    #[test]
    fn unknown_or_odd_agents() {
        assert_eq!(read(""), (String::new(), String::new(), "desktop"));
        assert_eq!(
            read("curl/8.5.0"),
            (String::new(), String::new(), "desktop")
        );
        assert_eq!(read("Chrome/"), ("Chrome".into(), String::new(), "desktop"));
        assert_eq!(read("Version/1.0 (no safari token)").0, "");
        assert!(read(&format!("Firefox/{}", "9".repeat(500))).1.len() <= 32);
        assert_eq!(read("Firefox/1.0 \u{1F600}é").1, "1.0");
    }
}
