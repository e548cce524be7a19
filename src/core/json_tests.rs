use super::*;

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
    assert!(b.req::<bool>("d"));
    assert!(!b.req::<bool>("e"));
    assert_eq!(b.finish(()), Ok(()));
    assert_eq!(f.req::<String>("s"), "x\"\\/\u{8}\u{c}\n\r\té😀");
    assert_eq!(f.finish(()), Ok(()));
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
    assert_eq!(Fields::of(&v).unwrap().req::<u64>("a"), 2);
}

#[test]
fn integers_are_read_strictly() {
    let read = |s: &str| u64::from_json(&parse(s).unwrap());
    assert_eq!(read("1732700000000"), Ok(1_732_700_000_000));
    assert_eq!(read("18446744073709551615"), Ok(u64::MAX));
    for bad in [
        "-1",
        "1.5",
        "1e3",
        "18446744073709551616",
        "\"1\"",
        "true",
        "null",
    ] {
        assert!(read(bad).is_err(), "{bad} is not a u64");
    }
    assert!(u32::from_json(&parse("4294967296").unwrap()).is_err());
}

#[test]
fn fields_tell_missing_null_and_wrong() {
    let v = parse(r#"{"n": null, "s": "x", "l": [1, 2]}"#).unwrap();
    let read = || Fields::of(&v).unwrap();
    // Present, missing, null and defaulted members that are fine.
    let f = read();
    assert_eq!(f.req::<Option<String>>("n"), None);
    assert_eq!(f.opt::<String>("n"), None);
    assert_eq!(f.opt::<String>("missing"), None);
    assert_eq!(f.opt::<String>("s"), Some("x".into()));
    assert_eq!(f.or_default::<Vec<u64>>("n"), Vec::<u64>::new());
    assert_eq!(f.or_default::<Vec<u64>>("l"), vec![1, 2]);
    assert_eq!(f.finish(7), Ok(7));
    // A required member that is missing.
    let f = read();
    assert_eq!(f.req::<Option<String>>("missing"), None);
    assert!(f
        .finish(())
        .unwrap_err()
        .contains("missing field `missing`"));
    // null where a value is required.
    let f = read();
    assert_eq!(f.req::<String>("n"), "");
    assert!(f.finish(()).unwrap_err().contains("field `n`"));
    // A wrongly shaped optional member is an error too, and the first error is the one reported.
    let f = read();
    assert_eq!(f.opt::<u64>("s"), None);
    assert!(f.or_default::<Vec<String>>("l").is_empty());
    let e = f.finish(()).unwrap_err();
    assert!(e.contains("field `s`") && e.contains("a string"), "{e}");
    assert!(Fields::of(&Json::Arr(vec![])).is_err());
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
    ObjectWriter::new(&mut written)
        .put("a", "x")
        .some("b", &None::<String>)
        .some("c", &Some(3u64))
        .put("d", &None::<u32>)
        .put("e", &vec![true, false])
        .done();
    assert_eq!(written, r#"{"a":"x","c":3,"d":null,"e":[true,false]}"#);
    assert_eq!(to_string(&v), out);
}
