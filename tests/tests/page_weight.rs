//! Page weight (issue 9): a typical article's HTML plus the stylesheets it links stay
//! under 40 KB uncompressed, and the article is readable without JavaScript — its text
//! is in the HTML as sent and no script is needed to show it.
//!
//! The article is shaped like the load benchmark's median article
//! (`crates/carnet/examples/bench_wiki.rs`, docs/PERFORMANCE.md): an infobox template,
//! an introduction, five sections with links, a list and a table, footnotes, external
//! links and two categories — about 6 KB of wikitext.

use carnet_tests::TestServer;

const LIMIT: usize = 40 * 1024;

const SENTENCES: &[&str] = &[
    "Le moulin est cité pour la première fois dans une charte de 1254, où il appartient à l'abbaye voisine",
    "Reconstruit en pierre après la crue de 1789, il moud le grain des fermes du plateau jusqu'en 1952",
    "La roue à aubes, restaurée par l'association en 2004, tourne de nouveau les jours de fête",
    "Le bief longe le chemin communal sur près de trois cents mètres avant de rejoindre la rivière",
    "Les archives départementales conservent les baux successifs et un plan du cadastre napoléonien",
    "Chaque année, la fête du pain réunit les habitants autour du four restauré et des meules",
];

/// A realistic article of about 6 KB, in Carnet wikitext.
fn article(links: &[&str]) -> String {
    let mut text = String::from(
        "{{Infobox Lieu|nom=Moulin de la Vergne|commune=[[Saint-Martin]]|département=Lozère|altitude=812 m|fondation=1254}}\n\n\
         **Moulin de la Vergne** est un moulin à eau de [[Saint-Martin]], sur la [[Vergne (rivière)|Vergne]].\n",
    );
    let sections = [
        "Histoire",
        "Géographie",
        "Architecture",
        "Patrimoine",
        "Vie locale",
    ];
    let mut link = 0;
    let mut note = 0;
    for (i, section) in sections.iter().enumerate() {
        text.push_str(&format!("\n## {section}\n\n"));
        for paragraph in 0..2 {
            for (j, sentence) in SENTENCES.iter().enumerate() {
                if (i + paragraph + j) % 2 == 0 {
                    let target = links[link % links.len()];
                    link += 1;
                    text.push_str(&format!("{sentence}, près de [[{target}]]. "));
                } else {
                    text.push_str(&format!("{sentence}. "));
                }
            }
            note += 1;
            text.push_str(&format!("[^{note}]\n\n"));
        }
        if i == 2 {
            text.push_str("| Année | Événement |\n|---|---|\n| 1254 | Première mention |\n| 1789 | Crue et reconstruction |\n| 1952 | Arrêt de la meunerie |\n| 2004 | Restauration de la roue |\n\n");
        }
        if i == 3 {
            for target in links.iter().take(5) {
                text.push_str(&format!(
                    "* [[{target}]] : un autre élément du patrimoine local.\n"
                ));
            }
            text.push('\n');
        }
    }
    text.push_str("\n## Voir aussi\n\n* [Site de l'association](https://www.example.org/moulin)\n* [Archives départementales](https://archives.example.org/)\n\n");
    for n in 1..=note {
        text.push_str(&format!(
            "[^{n}]: Archives départementales, série {n} P, registre des moulins, p. {}.\n",
            n * 7
        ));
    }
    text.push_str("\n[[Catégorie:Moulin de Lozère]]\n[[Catégorie:Patrimoine de Lozère]]\n");
    text
}

/// The `href` values of the stylesheet links of a page.
fn stylesheets(html: &str) -> Vec<String> {
    html.split("<link ")
        .skip(1)
        .filter_map(|tag| tag.split('>').next())
        .filter(|tag| tag.contains("rel=\"stylesheet\""))
        .filter_map(|tag| tag.split("href=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(carnet_tests::html_unescape)
        .collect()
}

#[test]
fn an_article_weighs_under_40_kb_with_its_css_and_reads_without_javascript() {
    let server = TestServer::start();
    server.put_page(
        "Modèle:Infobox Lieu",
        "| {{{nom}}} | |\n|---|---|\n| Commune | {{{commune|}}} |\n| Département | {{{département|}}} |\n| Altitude | {{{altitude|}}} |\n| Fondation | {{{fondation|}}} |\n",
    );
    let links = [
        "Saint-Martin",
        "Église Saint-Martin",
        "Pont de la Vergne",
        "Lavoir du bourg",
        "Four banal",
        "Chapelle Notre-Dame",
        "Croix du Pal",
        "Ferme de Lescure",
    ];
    for target in &links[..4] {
        server.put_page(target, "Une page liée.");
    }
    let text = article(&links);
    assert!(
        (5_000..9_000).contains(&text.len()),
        "a typical article: {} bytes of wikitext",
        text.len()
    );
    server.put_page("Moulin de la Vergne", &text);

    let page = server.get("/wiki/Moulin_de_la_Vergne");
    page.assert_status(200);
    let html = page.body.len();
    let sheets = stylesheets(&page.body);
    assert!(!sheets.is_empty(), "the page links its stylesheet");
    let css: usize = sheets
        .iter()
        .map(|href| {
            let sheet = server.get_bytes(href, &[]);
            assert_eq!(sheet.status, 200, "{href}");
            sheet.body.len()
        })
        .sum();
    eprintln!("article: {html} bytes of HTML + {css} bytes of CSS ({sheets:?})");
    assert!(
        html + css < LIMIT,
        "HTML {html} + CSS {css} = {} bytes, over {LIMIT}",
        html + css
    );
    // The HTML itself is the whole of what a reader needs: the content is rendered on
    // the server (the infobox, a footnote, a section, a link), the stylesheet is linked,
    // and every script is deferred (none blocks the reading).
    for expected in [
        "<strong>Moulin de la Vergne</strong>",
        "Première mention",
        "Reconstruit en pierre après la crue de 1789",
        "registre des moulins",
        "href=\"/wiki/Pont_de_la_Vergne\"",
    ] {
        assert!(
            page.body.contains(expected),
            "missing from the HTML: {expected}"
        );
    }
    for script in page.body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(
            tag.contains(" defer") || tag.contains("type=\"module\"") || tag.contains(" async"),
            "a script blocks the page: <script{tag}>"
        );
    }
}
