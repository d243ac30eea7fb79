use super::{Options, convert, convert_with};

/// The converted text is exactly `expected`.
fn check(source: &str, expected: &str) {
    assert_eq!(convert(source).text, expected, "source: {source:?}");
}

/// Carnet renders the converted text to HTML containing every one of `fragments`.
fn renders(source: &str, fragments: &[&str]) {
    let converted = convert(source).text;
    let html = carnet_render::text_to_html(&converted);
    for fragment in fragments {
        assert!(
            html.contains(fragment),
            "source: {source:?}\nconverted: {converted:?}\nhtml: {html}\nmissing: {fragment}"
        );
    }
}

fn reported(source: &str) -> Vec<(String, usize)> {
    convert(source)
        .unconverted
        .into_iter()
        .map(|u| (u.construct, u.count))
        .collect()
}

#[test]
fn headings_by_their_equal_signs() {
    check("== Titre ==\ntexte", "## Titre\n\ntexte\n");
    check(
        "=Un=\n===Trois===\n====== Six ======",
        "# Un\n\n### Trois\n\n###### Six\n",
    );
    // Unbalanced: the extra `=` are text, as in MediaWiki.
    check("=== Titre ==", "## = Titre\n");
    check("==Titre== <!-- c -->", "## Titre <!-- c -->\n");
    // Not headings.
    check("= \n==", "\\=\n\\==\n");
    check("== Numéro # ==", "## Numéro \\#\n");
    renders("== Histoire ==", &["<h2 id=\"Histoire\">Histoire</h2>"]);
}

#[test]
fn bold_and_italic_follow_mediawiki() {
    check("'''gras''' et ''italique''", "**gras** et *italique*\n");
    check("'''''les deux'''''", "***les deux***\n");
    check("''italique '''et gras'''''", "*italique **et gras***\n");
    // Unclosed at the end of the line: closed there.
    check("''ouvert", "*ouvert*\n");
    // Spaces move out of the markers.
    check("a'' b ''c", "a *b* c\n");
    // Six apostrophes: one shown, then bold and italic to the end of the line.
    check("a''''''b", "a'<b><i>b</i></b>\n");
    // An empty pair shows nothing.
    check("a'' ''b", "a b\n");
}

#[test]
fn apostrophes_in_french_text() {
    check("l'école et l'arbre", "l'école et l'arbre\n");
    // Bold and italic counts both odd: the bold after a one-letter word is an
    // apostrophe and an italic (MediaWiki's rule).
    check("l'''arbre'' est ''vert''", "l'*arbre* est *vert*\n");
    check("L''''école'''", "L'**école**\n");
    // Inside a word, Markdown would not read `*`: HTML tags then.
    check("''[[Paris]]''s", "<i>[[Paris]]</i>s\n");
    renders("l'''arbre'' est vert", &["l'<em>arbre</em> est vert"]);
    renders("'''gras''' ''it''", &["<strong>gras</strong> <em>it</em>"]);
}

#[test]
fn bulleted_numbered_and_mixed_lists() {
    check("* a\n* b", "- a\n- b\n");
    check("# un\n# deux", "1. un\n1. deux\n");
    check("* a\n** a1\n*# a2\n* b", "- a\n  - a1\n  1. a2\n- b\n");
    check("#* x\n#* y\n# z", "1. - x\n   - y\n1. z\n");
    // A line of comments does not end a list.
    check("* a\n<!-- c -->\n* b", "- a <!-- c -->\n- b\n");
    // A second list after a blank line stays a second list.
    check("* a\n\n* b", "- a\n\n* b\n");
    // A paragraph after a list does not continue the last item.
    check("* a\ntexte", "- a\n\ntexte\n");
    renders(
        "* a\n** b\n# c",
        &["<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>"],
    );
}

#[test]
fn definition_lists_and_indentation() {
    check(";terme\n:définition", "**terme**\n> définition\n");
    check("; terme : définition", "**terme**\n> définition\n");
    check(":un\n::deux\n:trois", "> un\n> > deux\n>\n> trois\n");
    check(":a\n:b", "> a\n>\n> b\n");
    check(";[[Lien]]", "<b>[[Lien]]</b>\n");
    renders(
        ";terme\n:définition",
        &["<p><strong>terme</strong></p>\n<blockquote>\n<p>définition</p>"],
    );
}

#[test]
fn internal_links_categories_and_files() {
    check("[[Page]] et [[Page|texte]]", "[[Page]] et [[Page|texte]]\n");
    // The link trail joins the text, as MediaWiki shows it.
    check(
        "[[chat]]s et [[Chat|chat]]ons",
        "[[chat|chats]] et [[Chat|chatons]]\n",
    );
    check("[[Page|''texte'']]", "[[Page|*texte*]]\n");
    check("[[Page|a|b]]", "[[Page|a&#124;b]]\n");
    check("[[Foo &amp; bar]]", "[[Foo & bar|Foo &amp; bar]]\n");
    check("[[Catégorie:Parcs|Violet]]", "[[Catégorie:Parcs|Violet]]\n");
    check(
        "[[Fichier:Pont.jpg|vignette|gauche|200px|Le ''pont'']]",
        "[[Fichier:Pont.jpg|vignette|gauche|200px|Le <i>pont</i>]]\n",
    );
    check("[[Image:A.png]]", "[[Image:A.png]]\n");
    check(
        "[[Media:A.ogg]] [[Média:B.pdf|le texte]]",
        "[[:Fichier:A.ogg|Media:A.ogg]] [[:Fichier:B.pdf|le texte]]\n",
    );
    // Stored text never holds the pipe trick: `[[X|]]` is text.
    check("[[X|]]", "&#91;[X|]]\n");
    renders("[[Pont|le pont]]", &["class=\"new\"", ">le pont</a>"]);
}

#[test]
fn interwiki_and_interlanguage_links() {
    check(
        "[[w:Perceval (Kaamelott)|Perceval]]",
        "[Perceval](https://fr.wikipedia.org/wiki/Perceval_(Kaamelott))\n",
    );
    check(
        "[[wikt:en:cat]]",
        "[wikt:en:cat](https://en.wiktionary.org/wiki/cat)\n",
    );
    let english = Options {
        language: "en".to_owned(),
    };
    assert_eq!(
        convert_with("[[w:Paris]]", &english).text,
        "[w:Paris](https://en.wikipedia.org/wiki/Paris)\n"
    );
    check("[[en:Kaamelott]]", "<!-- [[en:Kaamelott]] -->\n");
    assert_eq!(
        reported("[[en:Kaamelott]]"),
        [("interlanguage-link".to_owned(), 1)]
    );
    check("[[:en:Foo]]", "[[:en:Foo]]\n");
    assert_eq!(reported("[[:en:Foo]]"), [("interwiki-link".to_owned(), 1)]);
}

#[test]
fn external_links_and_bare_addresses() {
    check(
        "[http://example.org le site]",
        "[le site](http://example.org)\n",
    );
    check(
        "[http://a.org] et [http://b.org]",
        "[\\[1\\]](http://a.org) et [\\[2\\]](http://b.org)\n",
    );
    check(
        "voir http://example.org/a_b.",
        "voir <http://example.org/a_b>.\n",
    );
    check("(http://example.org)", "(<http://example.org>)\n");
    // A template continues the address: left bare, Carnet links it after expanding.
    check(
        "http://x.org/{{PAGENAME}} et http://y.org<nowiki>z</nowiki>",
        "http://x.org/{{PAGENAME}} et <http://y.org>z\n",
    );
    // Footnotes come last, so do their numbers.
    check(
        "a<ref>[http://n.org]</ref> [http://t.org]",
        "a[^1] [\\[1\\]](http://t.org)\n\n[^1]: [\\[2\\]](http://n.org)\n",
    );
    check("[http://x.org/a(b) c]", "[c](http://x.org/a(b))\n");
    check("[http://x.org ''c'']", "[*c*](http://x.org)\n");
    // Not a link: no address.
    check("[pas un lien]", "[pas un lien]\n");
    renders(
        "[http://example.org le site]",
        &["<a href=\"http://example.org\" rel=\"nofollow noopener noreferrer\">le site</a>"],
    );
}

#[test]
fn magic_links() {
    check(
        "RFC 822 et PMID 1234",
        "[RFC 822](https://tools.ietf.org/html/rfc822) et \
         [PMID 1234](https://www.ncbi.nlm.nih.gov/pubmed/1234?dopt=Abstract)\n",
    );
    check("ISBN 978-2-07-036822-8", "ISBN 978-2-07-036822-8\n");
    assert_eq!(
        reported("ISBN 978-2-07-036822-8"),
        [("magic-link:ISBN".to_owned(), 1)]
    );
    check("xRFC 822 RFC 822a", "xRFC 822 RFC 822a\n");
}

#[test]
fn markdown_characters_stay_text() {
    check("1. pas une liste", "1\\. pas une liste\n");
    check("2) non plus", "2\\) non plus\n");
    check("- ni ça\n+ ni ça", "\\- ni ça\n\\+ ni ça\n");
    check("a | b\n-|-\n-mot", "a | b\n\\-|-\n-mot\n");
    check("| x | y |\n|---|---|", "\\| x | y |\n\\|---|---|\n");
    check("> pas une citation", "\\> pas une citation\n");
    check("a *b* c", "a \\*b\\* c\n");
    check("_a_ snake_case __x__", "\\_a\\_ snake_case \\_\\_x\\_\\_\n");
    check("`code`", "\\`code\\`\n");
    check("~~barré~~ ~x~", "\\~\\~barré\\~\\~ ~x~\n");
    check("a < b", "a < b\n");
    check("a <b c", "a &lt;b c\n");
    check("<inconnu>", "&lt;inconnu>\n");
    check("[a](b) [^1] [x]: y", "\\[a\\](b) \\[^1] \\[x\\]: y\n");
    check("\\* et \\ seul", "\\\\\\* et \\ seul\n");
    check("----", "----\n");
    check("---", "\\---\n");
    // A setext underline would make a heading of the line before.
    check("a\n=", "a\n\\=\n");
    check("a\n===", "a\n\n# =\n");
    check("* [ ] case", "- \\[ ] case\n");
    check("* # pas un titre", "- \\# pas un titre\n");
    renders(
        "1. a *b* _c_ `d` ~~e~~ > f\n- g",
        &["<p>1. a *b* _c_ `d` ~~e~~ &gt; f\n- g</p>"],
    );
}

#[test]
fn tables_fit_markdown_or_stay_html() {
    check(
        "{| class=\"wikitable\"\n! Lieu !! Année\n|-\n| [[Pont|le pont]] || 1850\n|-\n| a|b || c\n|}",
        "| Lieu | Année |\n| --- | --- |\n| [[Pont|le pont]] | 1850 |\n| b | c |\n",
    );
    check(
        "{|\n!A\n!B\n|-\n|1\n|2 * x\n|}",
        "| A | B |\n| --- | --- |\n| 1 | 2 \\* x |\n",
    );
    // A caption goes above a Markdown table.
    check(
        "{|\n|+ ''Légende''\n! a\n|-\n| b\n|}",
        "*Légende*\n\n| a |\n| --- |\n| b |\n",
    );
    // A row with a span: HTML, cells in Markdown.
    let complex = "{|\n|+ Légende\n|-\n| colspan=2 | ''a''\n|-\n| b || c\n|}";
    check(
        complex,
        "<table>\n<caption>\n\nLégende\n\n</caption>\n<tr>\n<td colspan=\"2\">\n\n*a*\n\n</td>\n</tr>\n<tr>\n<td>\n\nb\n\n</td>\n<td>\n\nc\n\n</td>\n</tr>\n</table>\n",
    );
    assert_eq!(reported(complex), [("table-complex".to_owned(), 1)]);
    renders(complex, &["<td colspan=\"2\">\n<p><em>a</em></p>\n</td>"]);
    assert_eq!(
        reported("{| style=\"width:50%\"\n! a\n|-\n| b\n|}"),
        [("html-attribute:style".to_owned(), 1)]
    );
    // Indented table of a talk page.
    check(":{|\n! a\n|-\n| b\n|}", "| a |\n| --- |\n| b |\n");
}

#[test]
fn references_become_footnotes() {
    check(
        "Texte<ref>Note ''un''.</ref> et<ref name=\"a\">deux</ref>, encore<ref name=a />.\n\n== Notes ==\n<references />",
        "Texte[^1] et[^2], encore[^2].\n\n## Notes\n\n[^1]: Note *un*.\n[^2]: deux\n",
    );
    check(
        "a<ref name=x/>\n<references>\n<ref name=x>défini là</ref>\n</references>",
        "a[^1]\n\n[^1]: défini là\n",
    );
    check("a<ref>b</ref>\n{{Références}}", "a[^1]\n\n[^1]: b\n");
    renders("a<ref>note</ref>", &["data-footnote-ref", "note"]);
}

#[test]
fn nowiki_pre_and_code() {
    check(
        "<nowiki>''pas'' [[lien]] {{x}} *a* | # &lt;</nowiki>",
        "''pas'' &#91;[lien&#93;&#93; &#123;{x}} \\*a\\* &#124; # &lt;\n",
    );
    check(
        "<nowiki># a</nowiki>\n<nowiki>1. b</nowiki>",
        "\\# a\n1\\. b\n",
    );
    check("''a''<nowiki/>''b''", "*a**b*\n");
    check("a<nowiki/>b", "ab\n");
    check(
        "<pre>\nx < y &amp; ''z''\n</pre>",
        "```\nx < y & ''z''\n```\n",
    );
    check(" code *brut*\n suite", "```\ncode *brut*\nsuite\n```\n");
    check(" a ''b'' [[c]]", "<pre>a <i>b</i> [[c]]</pre>\n");
    check("<pre><nowiki><b></nowiki></pre>", "```\n<b>\n```\n");
    check("[[a<nowiki>b</nowiki>]]", "&#91;[ab]]\n");
    check(
        "<syntaxhighlight lang=\"rust\">\nfn main() {}\n</syntaxhighlight>",
        "```rust\nfn main() {}\n```\n",
    );
    check(
        "<source lang=python>x = 1</source>",
        "```python\nx = 1\n```\n",
    );
    check(
        "a <syntaxhighlight lang=c inline>int x;</syntaxhighlight> b",
        "a `int x;` b\n",
    );
    check("<code>''x''</code>", "<code>*x*</code>\n");
    renders(
        "<nowiki>[[Pont]] ''x'' {{Bonjour}}</nowiki>",
        &["[[Pont]] ''x'' {{Bonjour}}"],
    );
    renders("[[Pont|<nowiki>[[a]]</nowiki>]]", &[">[[a]]</a>"]);
    renders(" a ''b''", &["<pre>a <i>b</i></pre>"]);
}

#[test]
fn templates_and_parser_functions() {
    check(
        "{{Bonjour}} {{Bonjour|Marie}}",
        "{{Bonjour}} {{Bonjour|Marie}}\n",
    );
    check(
        "{{Infobox\n|nom=''Pont''\n|site=[http://x.org le site]\n}}",
        "{{Infobox\n|nom=*Pont*\n|site=[le site](http://x.org)\n}}\n",
    );
    check("{{{1|défaut}}}", "{{{1|défaut}}}\n");
    // An argument holding a list is page text.
    check(
        "{{Boîte|contenu=\n# un\n# ''deux''\n}}",
        "{{Boîte|contenu=\n1. un\n1. *deux*\n}}\n",
    );
    check(
        "{{Boîte|\n* {{Lien\n|x}}\n* b}}",
        "{{Boîte|\n- {{Lien\n|x}}\n- b}}\n",
    );
    check("{{PAGENAME}} {{NOMPAGE}}", "{{PAGENAME}} {{NOMPAGE}}\n");
    check("{{NUMBEROFARTICLES}}", "{{#pages:}}\n");
    check("{{#if:a|b|c}}", "{{#if:a|b|c}}\n");
    check("{{#catégorie:Parcs}}", "{{#catégorie:Parcs}}\n");
    assert_eq!(
        reported("{{#if:a|{{#switch:b|c=d}}}} {{CURRENTYEAR}} {{DEFAULTSORT:X}} {{lc:A}}"),
        [
            ("magic-variable:CURRENTYEAR".to_owned(), 1),
            ("parser-function:#if".to_owned(), 1),
            ("parser-function:#switch".to_owned(), 1),
            ("parser-function:defaultsort".to_owned(), 1),
            ("parser-function:lc".to_owned(), 1),
        ]
    );
    // Inside an ordinary template's arguments too, once each.
    assert_eq!(
        reported("{{Boîte|{{#if:x|y}}|b={{lc:Z}}}}"),
        [
            ("parser-function:#if".to_owned(), 1),
            ("parser-function:lc".to_owned(), 1),
        ]
    );
    // Template pages keep their inclusion tags and parameters.
    check(
        "<noinclude>Doc.</noinclude><includeonly>'''{{{1}}}'''</includeonly>",
        "<noinclude>Doc.</noinclude><includeonly>**{{{1}}}**</includeonly>\n",
    );
}

#[test]
fn magic_words_and_redirects() {
    check("__NOTOC__\n__TOC__", "__NOTOC__\n__TOC__\n");
    check("__NOEDITSECTION__", "<!-- __NOEDITSECTION__ -->\n");
    assert_eq!(
        reported("__NOEDITSECTION__"),
        [("magic-word:__NOEDITSECTION__".to_owned(), 1)]
    );
    check("#REDIRECT [[Cible]]", "#REDIRECTION [[Cible]]\n");
    check("#redirection [[Cible]]", "#REDIRECTION [[Cible]]\n");
    check(
        "\n#REDIRECT:[[Cible]]\n[[Catégorie:Redirections]]",
        "#REDIRECTION [[Cible]]\n\n[[Catégorie:Redirections]]\n",
    );
    // Not on the first line: a numbered list item.
    check("a\n#REDIRECT [[Cible]]", "a\n\n1. REDIRECT [[Cible]]\n");
}

#[test]
fn html_tags_comments_and_entities() {
    check("a<br>b<br/>c", "a<br>b<br>c\n");
    check(
        "<small>petit</small> <sup>2</sup>",
        "<small>petit</small> <sup>2</sup>\n",
    );
    check("<big>gros</big>", "<big>gros</big>\n");
    assert_eq!(
        reported("<big>gros</big>"),
        [("html-tag:big".to_owned(), 1)]
    );
    check(
        "<span style=\"color:red\">r</span>",
        "<span style=\"color:red\">r</span>\n",
    );
    assert_eq!(
        reported("<span style=\"color:red\">r</span>"),
        [("html-attribute:style".to_owned(), 1)]
    );
    // Block tags go on their own lines so that Markdown is read between them.
    check(
        "<div class=\"x\">'''a'''</div>",
        "<div class=\"x\">\n\n**a**\n\n</div>\n",
    );
    check("<center>c</center>", "<center>\n\nc\n\n</center>\n");
    check(
        "<div\nclass=\"x\">''a''</div>",
        "<div class=\"x\">\n\n*a*\n\n</div>\n",
    );
    check("a <!-- note --> b", "a <!-- note --> b\n");
    check("a\n<!-- note -->\nb", "a <!-- note -->\nb\n");
    check("&eacute; &amp; &nbsp;", "&eacute; &amp; &nbsp;\n");
    check(
        "&#x0000063;&#00000112; &#x4A; &# &#12",
        "&#x63;&#112; &#x4A; &# &#12\n",
    );
    check(
        "<blockquote>cité</blockquote>",
        "<blockquote>\n\ncité\n\n</blockquote>\n",
    );
    renders(
        "<div>'''a'''</div>",
        &["<div>\n<p><strong>a</strong></p>\n</div>"],
    );
    // A tag alone on a paragraph's first line stands apart (else an HTML block).
    check(
        "<span class=\"x\">\n'''a'''\n</span>",
        "<span class=\"x\">\n\n**a**\n</span>\n",
    );
    renders(
        "<span class=\"x\">\n'''a'''\n</span>",
        &["<strong>a</strong>"],
    );
}

#[test]
fn gallery_math_poem_and_unknown_extensions() {
    check(
        "<gallery>\nA.jpg|Un ''a''\nFichier:B.jpg\n</gallery>",
        "[[Fichier:A.jpg|vignette|Un <i>a</i>]]\n\n[[Fichier:B.jpg|vignette]]\n",
    );
    check("<math>x^2</math>", "`x^2`\n");
    assert_eq!(
        reported("<math>x^2</math>"),
        [("extension-tag:math".to_owned(), 1)]
    );
    check(
        "<poem>\nun\ndeux\n\ntrois\n</poem>",
        "un\\\ndeux\n\ntrois\n",
    );
    check(
        "<timeline>\nx\n</timeline>",
        "```\n<timeline>\nx\n</timeline>\n```\n",
    );
    assert_eq!(
        reported("<timeline>x</timeline>"),
        [("extension-tag:timeline".to_owned(), 1)]
    );
}

#[test]
fn horizontal_rules_and_paragraphs() {
    check("a\n----\nb", "a\n\n----\n\nb\n");
    check("----texte", "----\n\ntexte\n");
    check("un\ndeux\n\ntrois", "un\ndeux\n\ntrois\n");
    check("  espaces en tête", "```\n espaces en tête\n```\n");
    check("ligne  \nsuite", "ligne\nsuite\n");
}

#[test]
fn nothing_is_lost_on_odd_input() {
    for source in [
        "",
        "{{",
        "}}",
        "[[",
        "]]",
        "<ref>",
        "<ref name=a>",
        "{|",
        "|}",
        "''''''''''",
        "<!--",
        "<pre>",
        "{{a|{{b|[[c|{{d}}]]}}}}",
        "\u{e000}0\u{e001}",
        ";:*#",
    ] {
        let converted = convert(source);
        for c in source.chars().filter(|c| c.is_alphabetic()) {
            assert!(
                converted.text.contains(c),
                "{source:?} → {:?}",
                converted.text
            );
        }
        let _ = carnet_render::text_to_html(&converted.text);
    }
}

/// The `mediawiki` / `carnet` example pairs of `docs/wikitext.md` (« Venir de MediaWiki »).
#[test]
fn documented_examples() {
    let doc = include_str!("../../../../docs/wikitext.md");
    let block = |from: usize, info: &str| -> Option<(String, usize)> {
        let open = format!("```{info}\n");
        let start = doc.get(from..)?.find(&open)? + from + open.len();
        let end = doc.get(start..)?.find("\n```\n")? + start;
        Some((doc.get(start..end)?.to_owned(), end))
    };
    let mut from = 0;
    let mut pairs = 0;
    while let Some((source, end)) = block(from, "mediawiki") {
        let (expected, next) = block(end, "carnet").unwrap();
        assert_eq!(convert(&source).text, format!("{expected}\n"), "{source}");
        pairs += 1;
        from = next;
    }
    assert!(pairs >= 3, "docs/wikitext.md has its MediaWiki examples");
}

/// Unclosed constructs by the thousand: each is looked for once, not from every start.
#[test]
fn pathological_input_stays_linear() {
    let started = std::time::Instant::now();
    for unit in [
        "{{",
        "<ref>",
        "[[",
        "''",
        "[http://x ",
        "<pre>",
        "{|\n",
        "* ",
        "<!--a-->",
    ] {
        let source = unit.repeat(10_000);
        let converted = convert(&source);
        assert!(!converted.text.is_empty(), "{unit}");
    }
    // Nesting is bounded: no stack overflow.
    for (open, close) in [
        ("{|\n|\n", "|}\n"),
        ("[[a|", "]]"),
        ("<ref>", "</ref>"),
        ("{{#if:", "}}"),
        ("{{a|", "}}"),
        ("{{a|\n* ", "}}"),
    ] {
        let source = format!("{}x{}", open.repeat(3_000), close.repeat(3_000));
        assert!(convert(&source).text.contains('x'), "{open}");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

/// Random mixes of MediaWiki's syntax convert without panicking, and Carnet renders them.
#[test]
fn random_wikitext_never_panics() {
    const PIECES: [&str; 40] = [
        "''",
        "'''",
        "'",
        "[[",
        "]]",
        "[",
        "]",
        "{{",
        "}}",
        "{{{",
        "}}}",
        "|",
        "||",
        "!!",
        "\n",
        "\n\n",
        "\n*",
        "\n#",
        "\n:",
        "\n;",
        "\n ",
        "\n{|",
        "\n|-",
        "\n|}",
        "\n!",
        "\n==",
        "==",
        "<ref>",
        "</ref>",
        "<ref name=a/>",
        "<nowiki>",
        "</nowiki>",
        "<!--",
        "-->",
        "<pre>",
        "</pre>",
        "http://x.org",
        "é l'a",
        "<div>",
        "__NOTOC__",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    // `CONVERT_FUZZ_ITERATIONS=100000` for a longer run.
    let iterations = std::env::var("CONVERT_FUZZ_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(800);
    for _ in 0..iterations {
        let mut source = String::new();
        for _ in 0..24 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let index = usize::try_from(state >> 33).unwrap_or(0) % PIECES.len();
            source.push_str(PIECES[index]);
        }
        let converted = convert(&source);
        let _ = carnet_render::text_to_html(&converted.text);
    }
}
