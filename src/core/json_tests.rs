use super::*;

/// Reads member `key` of `f` into a fresh `T`.
fn read<T: Field + Default>(f: &Fields, key: &str, required: bool) -> T {
    let mut value = T::default();
    value.read(f, key, required);
    value
}

#[test]
fn parses_every_kind_of_value() {
    let v = parse(r#" {"a": [1, -2.5e3, 0], "b": {"c": null, "d": true, "e": false}, "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        .unwrap();
    let f = Fields::of(&v).unwrap();
    assert_eq!(
        f.get("a"),
        Some(&Json::Arr(vec![
            Json::Num("1".into()),
            Json::Num("-2.5e3".into()),
            Json::Num("0".into())
        ]))
    );
    let b = Fields::of(f.get("b").unwrap()).unwrap();
    assert_eq!(b.get("c"), Some(&Json::Null));
    assert!(read::<bool>(&b, "d", true));
    assert!(!read::<bool>(&b, "e", true));
    assert_eq!(b.finish(), Ok(()));
    assert_eq!(read::<String>(&f, "s", true), "x\"\\/\u{8}\u{c}\n\r\té😀");
    assert_eq!(f.finish(), Ok(()));
}

#[test]
fn rejects_what_is_not_json() {
    for bad in [
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{a:1}",
        "nul",
        "tru",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "\"abc",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"a\u{1}b\"",
        "{} {}",
        "'a'",
        "[1]x",
        "NaN",
        "\"\\ud800\\u0041\"",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} must not parse");
    }
}

#[test]
fn errors_say_where() {
    let e = parse("[1, x]").unwrap_err();
    assert!(e.contains("byte 4"), "{e}");
}

#[test]
fn nesting_is_bounded() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&ok).is_ok());
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert!(parse(&deep).is_err());
    // Far deeper than the stack could take if the limit did not hold.
    assert!(parse(&"{\"a\":".repeat(100_000)).is_err());
}

#[test]
fn the_last_of_repeated_keys_counts() {
    let v = parse(r#"{"a": 1, "a": 2}"#).unwrap();
    assert_eq!(read::<u64>(&Fields::of(&v).unwrap(), "a", true), 2);
}

#[test]
fn integers_are_read_strictly() {
    let u64_of = |s: &str| {
        let v = parse(&format!("{{\"n\": {s}}}")).unwrap();
        let f = Fields::of(&v).unwrap();
        let n = read::<u64>(&f, "n", true);
        f.finish().map(|()| n)
    };
    assert_eq!(u64_of("1732700000000"), Ok(1_732_700_000_000));
    assert_eq!(u64_of("18446744073709551615"), Ok(u64::MAX));
    for bad in [
        "-1",
        "1.5",
        "1e3",
        "18446744073709551616",
        "\"1\"",
        "true",
        "null",
    ] {
        assert!(u64_of(bad).is_err(), "{bad} is not a u64");
    }
    let v = parse(r#"{"big": 4294967296, "max": 4294967295}"#).unwrap();
    let f = Fields::of(&v).unwrap();
    assert_eq!(read::<u32>(&f, "max", true), u32::MAX);
    assert_eq!(read::<Option<u32>>(&f, "max", false), Some(u32::MAX));
    assert_eq!(f.finish(), Ok(()));
    let f = Fields::of(&v).unwrap();
    assert_eq!(read::<Option<u32>>(&f, "big", false), None);
    assert_eq!(
        f.finish(),
        Err("field `big`: integer out of range".to_string())
    );
}

#[test]
fn fields_tell_missing_null_and_wrong() {
    let v = parse(r#"{"n": null, "s": "x", "l": ["a", "b"], "b": true}"#).unwrap();
    let fields = || Fields::of(&v).unwrap();
    // Present, missing, null and defaulted members that are fine.
    let f = fields();
    assert_eq!(read::<Option<String>>(&f, "n", true), None);
    assert_eq!(read::<Option<String>>(&f, "n", false), None);
    assert_eq!(read::<Option<String>>(&f, "missing", false), None);
    assert_eq!(read::<Option<String>>(&f, "s", false), Some("x".into()));
    assert_eq!(read::<Option<u64>>(&f, "n", false), None);
    assert_eq!(read::<Vec<String>>(&f, "n", false), Vec::<String>::new());
    assert_eq!(
        read::<Vec<String>>(&f, "missing", false),
        Vec::<String>::new()
    );
    assert_eq!(read::<Vec<String>>(&f, "l", false), vec!["a", "b"]);
    assert!(!read::<bool>(&f, "n", false));
    assert!(read::<bool>(&f, "b", false));
    assert_eq!(read::<u64>(&f, "missing", false), 0);
    assert_eq!(f.finish(), Ok(()));
    // A required member that is missing.
    let f = fields();
    assert_eq!(read::<Option<String>>(&f, "missing", true), None);
    assert_eq!(f.finish(), Err("missing field `missing`".to_string()));
    // null where a value is required.
    let f = fields();
    assert_eq!(read::<String>(&f, "n", true), "");
    assert_eq!(
        f.finish(),
        Err("field `n`: expected a string, found null".to_string())
    );
    // A wrongly shaped optional member is an error too, and the first error is the one reported.
    let f = fields();
    assert_eq!(read::<Option<u64>>(&f, "s", false), None);
    assert!(!read::<bool>(&f, "l", false));
    assert_eq!(
        f.finish(),
        Err("field `s`: expected an unsigned integer, found a string".to_string())
    );
    assert_eq!(
        Fields::of(&Json::Arr(vec![])).err(),
        Some("expected an object, found an array".to_string())
    );
}

/// A struct with a field of every kind, to check reading and writing through `json_struct!`.
#[derive(Debug, Default, PartialEq)]
struct Every {
    s: String,
    o: Option<String>,
    n: u64,
    m: Option<u64>,
    b: bool,
    l: Vec<String>,
    inner: Inner,
    maybe: Option<Inner>,
    many: Vec<std::rc::Rc<Inner>>,
}

#[derive(Debug, Default, PartialEq)]
struct Inner {
    v: u32,
}

json_struct!(Every {
    s: req,
    o: opt,
    n: or_default,
    m: opt,
    b: or_default,
    l: or_default,
    inner: or_default,
    maybe: opt,
    many: or_default,
});
json_struct!(Inner { v: req });

#[test]
fn structs_are_read_and_written_field_by_field() {
    let text = r#"{"s":"a","o":null,"n":3,"m":4,"b":true,"l":["x"],"inner":{"v":1},"maybe":null,"many":[{"v":2},{"v":3}]}"#;
    let every: Every = from_str(text).unwrap();
    assert_eq!(
        every,
        Every {
            s: "a".into(),
            o: None,
            n: 3,
            m: Some(4),
            b: true,
            l: vec!["x".into()],
            inner: Inner { v: 1 },
            maybe: None,
            many: vec![Inner { v: 2 }.into(), Inner { v: 3 }.into()],
        }
    );
    assert_eq!(to_string(&every), text);
    let least: Every = from_str(r#"{"s": ""}"#).unwrap();
    assert_eq!(least, Every::default());
    assert_eq!(
        from_str::<Every>(r#"{"s": "", "many": [{"v": 1}, {}]}"#),
        Err("field `many`: missing field `v`".to_string())
    );
    assert_eq!(
        from_str::<Every>(r#"{"s": "", "maybe": {"v": "1"}}"#),
        Err("field `maybe`: field `v`: expected an unsigned integer, found a string".to_string())
    );
    assert_eq!(
        from_str::<Every>(r#"{"s": "", "inner": {}}"#),
        Err("field `inner`: missing field `v`".to_string())
    );
}

#[test]
fn writes_what_it_reads() {
    let text = r#"{"a":[1,-2.5e3,true,null],"s":"q\"b\\s\nn\u0001é😀","o":{}}"#;
    let v = parse(text).unwrap();
    let mut out = String::new();
    v.write(&mut out);
    assert_eq!(parse(&out).unwrap(), v);
    assert!(out.contains("\\u0001"), "{out}");
    let mut written = String::new();
    let mut w = ObjectWriter::new(&mut written);
    w.str("a", "x");
    w.uint("c", Some(3));
    w.uint("z", Some(0));
    w.uint("m", Some(u64::MAX));
    w.uint("d", None);
    w.raw("e", "[true,false]");
    w.object("f", &Inner { v: 1 });
    w.done();
    assert_eq!(
        written,
        r#"{"a":"x","c":3,"z":0,"m":18446744073709551615,"d":null,"e":[true,false],"f":{"v":1}}"#
    );
}

#[test]
fn parse_errors_say_what_and_where() {
    for (bad, what) in [
        ("", "unexpected end at byte 0"),
        (" ", "unexpected end at byte 1"),
        ("{", "expected a key at byte 1"),
        ("}", "unexpected character at byte 0"),
        ("[1,]", "unexpected character at byte 3"),
        ("[1 2]", "expected , or ] at byte 3"),
        ("{\"a\" 1}", "expected : at byte 5"),
        ("{\"a\":1,}", "expected a key at byte 7"),
        ("{a:1}", "expected a key at byte 1"),
        ("{\"a\":1 \"b\":2}", "expected , or } at byte 7"),
        ("{,}", "expected a key at byte 1"),
        ("[,]", "unexpected character at byte 1"),
        ("nul", "unknown literal at byte 0"),
        ("tru", "unknown literal at byte 0"),
        ("01", "leading zero at byte 1"),
        ("1.", "expected a digit at byte 2"),
        (".5", "unexpected character at byte 0"),
        ("-", "expected a digit at byte 1"),
        ("1e", "expected a digit at byte 2"),
        ("\"abc", "unterminated string at byte 4"),
        ("\"ab\\", "unterminated string at byte 4"),
        ("\"\\x\"", "bad escape at byte 3"),
        ("\"\\u12\"", "bad \\u escape at byte 5"),
        ("\"\\ud800\"", "lone surrogate at byte 7"),
        ("\"\\udc00\"", "lone surrogate at byte 7"),
        ("\"\\ud800\\u0041\"", "lone surrogate at byte 13"),
        ("\"a\u{1}b\"", "control character in string at byte 3"),
        ("{} {}", "trailing characters at byte 3"),
        ("'a'", "unexpected character at byte 0"),
        ("[1]x", "trailing characters at byte 3"),
        ("NaN", "unexpected character at byte 0"),
        ("[[[", "unexpected end at byte 3"),
        ("{\"a\":[1,{\"b\":}]}", "unexpected character at byte 13"),
        ("\"é\u{7f}\\q\"", "bad escape at byte 6"),
    ] {
        assert_eq!(parse(bad), Err(format!("invalid JSON: {what}")), "{bad:?}");
    }
}

#[test]
fn strings_mix_raw_text_and_escapes() {
    let cases = [
        (r#""""#, ""),
        (r#""é""#, "é"),
        (r#""\n""#, "\n"),
        (r#""\\\"""#, "\\\""),
        (r#""aé\nb😀\u0041c""#, "aé\nb😀Ac"),
        (r#""😀\u00e9😀\t""#, "😀é😀\t"),
        (r#""\ud83d\ude00é""#, "😀é"),
        (r#""ab\/cd""#, "ab/cd"),
    ];
    for (json, text) in cases {
        assert_eq!(parse(json), Ok(Json::Str(text.to_string())), "{json}");
    }
}
