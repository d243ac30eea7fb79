use super::convert;

fn check(source: &str, expected: &str) {
    assert_eq!(convert(source).text, expected, "source: {source:?}");
}

#[test]
fn smoke() {
    check("== Titre ==\n'''gras''' et ''italique''", "## Titre\n\n**gras** et *italique*\n");
}
