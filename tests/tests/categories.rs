//! The category tree, its cycle report, and the pages by size, through the real server.

use carnet_tests::TestServer;

/// What a reader sees: the body without tags, entities decoded, spaces collapsed.
fn visible(reply: &carnet_tests::Reply) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in reply.body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    carnet_tests::html_unescape(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The tree's lines as (depth, label) pairs, read from the nesting of its lists.
fn tree_lines(body: &str) -> Vec<(usize, String)> {
    let start = body.find("<ul class=\"category-tree\">").expect("a tree");
    let tree = &body[start..];
    let mut depth = 0usize;
    let mut lines = Vec::new();
    let mut rest = tree;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if rest.starts_with("<ul") {
            depth += 1;
        } else if rest.starts_with("</ul") {
            depth -= 1;
            if depth == 0 {
                break;
            }
        } else if rest.starts_with("<a href=\"/wiki/Cat") {
            let label_start = rest.find('>').unwrap() + 1;
            let label_end = rest.find("</a>").unwrap();
            lines.push((depth, rest[label_start..label_end].to_owned()));
        }
        rest = &rest[1..];
    }
    lines
}

#[test]
fn the_tree_shows_subcategories_counts_and_loops() {
    let server = TestServer::start();
    server.put_page("Catégorie:Vie locale", "Tout sur la ville.");
    server.put_page("Catégorie:Éducation", "[[Catégorie:Vie locale]]");
    server.put_page("Catégorie:Écoles", "[[Catégorie:Éducation]]");
    server.put_page("Catégorie:Collèges", "[[Catégorie:Éducation]]");
    server.put_page("École Jaurès", "Une école. [[Catégorie:Écoles]]");
    server.put_page("École Curie", "Une autre. [[Catégorie:Écoles]]");
    server.put_page(
        "Collège Zola",
        "[[Catégorie:Collèges]] [[Catégorie:Éducation]]",
    );
    // A loop: Alpha in Bêta, Bêta in Alpha.
    server.put_page("Catégorie:Alpha", "[[Catégorie:Bêta]]");
    server.put_page("Catégorie:Bêta", "[[Catégorie:Alpha]]");

    let tree = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories");
    tree.assert_status(200);
    assert_eq!(
        tree_lines(&tree.body),
        vec![
            (1, "Catégorie:Alpha".to_owned()),
            (2, "Catégorie:Bêta".to_owned()),
            (3, "Catégorie:Alpha".to_owned()),
            (1, "Catégorie:Vie locale".to_owned()),
            (2, "Catégorie:Éducation".to_owned()),
            (3, "Catégorie:Collèges".to_owned()),
            (3, "Catégorie:Écoles".to_owned()),
        ],
        "{}",
        tree.body
    );
    let text = visible(&tree);
    assert!(text.contains("Arbre des catégories"));
    // Écoles: two articles; Éducation: one article and two subcategories.
    assert!(
        text.contains("Catégorie:Écoles 2 pages, aucune sous-catégorie"),
        "{text}"
    );
    assert!(
        text.contains("Catégorie:Éducation 1 page, 2 sous-catégories"),
        "{text}"
    );
    assert!(text.contains("déjà plus haut sur cette branche"));
    assert!(text.contains("Boucles de catégories"));
    assert!(
        text.contains("Catégorie:Alpha → Catégorie:Bêta → Catégorie:Alpha"),
        "{text}"
    );

    // The category page warns of its loop and links to its branch; others do not warn.
    let alpha = server.get("/wiki/Cat%C3%A9gorie:Alpha");
    assert!(visible(&alpha).contains("fait partie d’une boucle de catégories"));
    let ecoles = server.get("/wiki/Cat%C3%A9gorie:%C3%89coles");
    assert!(!visible(&ecoles).contains("boucle"));
    assert!(
        ecoles
            .body
            .contains("href=\"/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories/%C3%89coles\"")
    );

    // One branch, in English, with the way up.
    let branch = server.get_with(
        "/wiki/Sp%C3%A9cial:CategoryTree/%C3%89ducation",
        &[("Accept-Language", "en")],
    );
    branch.assert_status(200);
    let text = visible(&branch);
    assert!(text.contains("Tree of the category Éducation"), "{text}");
    assert!(text.contains("Filed in: Catégorie:Vie locale"), "{text}");
    assert_eq!(
        tree_lines(&branch.body),
        vec![
            (1, "Catégorie:Éducation".to_owned()),
            (2, "Catégorie:Collèges".to_owned()),
            (2, "Catégorie:Écoles".to_owned()),
        ]
    );
    assert!(!text.contains("Category loops"));
    let unknown = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories/Nulle_part");
    assert!(visible(&unknown).contains("La catégorie « Nulle part » n’a ni page ni membre."));

    // Undoing the loop empties the report.
    server.put_page("Catégorie:Bêta", "Plus de boucle.");
    let tree = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories");
    assert!(!visible(&tree).contains("Boucles de catégories"));
    let alpha = server.get("/wiki/Cat%C3%A9gorie:Alpha");
    assert!(!visible(&alpha).contains("boucle"));
}

#[test]
fn a_deep_branch_continues_on_its_own_page() {
    let server = TestServer::start();
    server.put_page("Catégorie:N0", "Racine");
    for n in 1..=7 {
        server.put_page(
            &format!("Catégorie:N{n}"),
            &format!("[[Catégorie:N{}]]", n - 1),
        );
    }
    let tree = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories");
    let lines = tree_lines(&tree.body);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines.last().unwrap(), &(5, "Catégorie:N4".to_owned()));
    assert!(
        tree.body
            .contains("class=\"deeper\" href=\"/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories/N4\"")
    );
    let deeper = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories/N4");
    let lines = tree_lines(&deeper.body);
    assert_eq!(
        lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        vec![
            "Catégorie:N4",
            "Catégorie:N5",
            "Catégorie:N6",
            "Catégorie:N7"
        ]
    );
}

#[test]
fn an_empty_wiki_says_how_to_make_a_category() {
    let server = TestServer::start();
    let tree = server.get("/wiki/Sp%C3%A9cial:Arbre_des_cat%C3%A9gories");
    tree.assert_status(200);
    assert!(
        visible(&tree).contains("Ajoutez [[Catégorie:Nom]]"),
        "{}",
        visible(&tree)
    );
}

#[test]
fn pages_by_size_longest_and_shortest() {
    let server = TestServer::start();
    server.put_page("Court", "abc");
    server.put_page("Moyen", &"é".repeat(50));
    server.put_page("Long", &"x".repeat(400));
    server.put_page("Ancien nom", "#REDIRECTION [[Long]]");
    server.put_page("Discussion:Bavard", &"y".repeat(2000));
    let long = server.get("/wiki/Sp%C3%A9cial:Pages_longues");
    long.assert_status(200);
    let text = visible(&long);
    let order = |text: &str, names: &[&str]| {
        let at: Vec<usize> = names
            .iter()
            .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} in {text}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{names:?} in {text}");
    };
    order(
        &text,
        &[
            "Long (400 octets)",
            "Moyen (100 octets)",
            "Court (3 octets)",
        ],
    );
    // The welcome page is an article too; redirects and talk pages are not listed.
    assert!(!text.contains("Ancien nom"));
    assert!(!text.contains("Bavard"));
    let short = server.get_with(
        "/wiki/Sp%C3%A9cial:ShortPages",
        &[("Accept-Language", "en")],
    );
    let text = visible(&short);
    assert!(text.contains("Shortest pages"));
    order(
        &text,
        &["Court (3 bytes)", "Moyen (100 bytes)", "Long (400 bytes)"],
    );
    // Paged with `offset`: the welcome page and the longest page are skipped.
    let rest = server.get("/wiki/Sp%C3%A9cial:Pages_longues?offset=2");
    assert!(!visible(&rest).contains("Long (400 octets)"));
    assert!(visible(&rest).contains("Moyen (100 octets)"));
    server
        .get("/wiki/Sp%C3%A9cial:Pages_longues?offset=beaucoup")
        .assert_status(400);
}
