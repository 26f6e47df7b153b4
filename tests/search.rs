//! Message search (`searchMessages`, issue 5, `/tmp/contract/search.md`) and the contacts
//! `query` filter, against the hand-built data set of `common::search_fixtures`. Every
//! expected answer (which messages, in which order, the exact snippet and highlight
//! offsets) is worked out by hand from the tables in that module's comment and the
//! contract; hits are compared as fixture labels ("M04").
//!
//! Snippet rule used for the expected values (from the contract): with the first match at
//! character m, the snippet is the content from max(0, m − 40) to at most 160 characters
//! later; "…" is put in front when that start is > 0 and behind when the content goes on;
//! highlights are offsets in characters into the snippet, "…" included.

mod common;

use common::search_fixtures::{
    self as fx, ALPHA, BETA, HEARTBEATS, M19, heartbeat, heartbeat_content, iso, label_of, sid,
};
use common::{TestApp, first_code};
use serde_json::{Value, json};

const BAD: &str = "BAD_USER_INPUT";

// ---------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------

const SEARCH: &str = r#"
query Search($query: String!, $first: Int, $after: String, $filter: MessageSearchFilter) {
  searchMessages(query: $query, first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { message { id } snippet highlights { start length } } }
    nodes { message { id } snippet highlights { start length } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// `SEARCH` without a `first` argument, to see its default.
const SEARCH_DEFAULT_FIRST: &str = r#"
query Search($query: String!, $after: String) {
  searchMessages(query: $query, after: $after) {
    totalCount
    edges { cursor node { message { id } snippet highlights { start length } } }
    nodes { message { id } snippet highlights { start length } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// Only ids and the count: for queries whose snippet is not under test.
const SEARCH_IDS: &str = r#"
query Search($query: String!, $first: Int, $filter: MessageSearchFilter) {
  searchMessages(query: $query, first: $first, filter: $filter) {
    totalCount
    nodes { message { id } }
  }
}"#;

const SEARCH_RELATIONS: &str = r#"
query Search($query: String!) {
  searchMessages(query: $query) {
    totalCount
    nodes {
      message {
        id content direction channel sentAt
        conversation { id subject channel inbox { id } }
        contact { id fullName }
      }
    }
  }
}"#;

const CONTACTS: &str = r#"
query Contacts($filter: ContactFilter) {
  contacts(filter: $filter, first: 100) {
    totalCount
    nodes { id }
  }
}"#;

const CREATE_MESSAGE: &str = r#"
mutation Create($conversationId: ID!, $input: CreateMessageInput!) {
  createMessage(conversationId: $conversationId, input: $input) {
    message { id content sentAt }
    userErrors { field message code }
  }
}"#;

const DELETE_MESSAGE: &str = r#"
mutation Delete($id: ID!) {
  deleteMessage(id: $id) {
    deletedId
    userErrors { field message code }
  }
}"#;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// One search hit as compared: the message's label, the snippet, and (start, length) of
/// each highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    label: String,
    snippet: String,
    highlights: Vec<(i64, i64)>,
}

fn hit(label: &str, snippet: &str, highlights: &[(i64, i64)]) -> Hit {
    Hit {
        label: label.to_owned(),
        snippet: snippet.to_owned(),
        highlights: highlights.to_vec(),
    }
}

fn parse_hit(node: &Value) -> Hit {
    let id = node["message"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no message id in {node:#}"));
    let snippet = node["snippet"]
        .as_str()
        .unwrap_or_else(|| panic!("no snippet in {node:#}"));
    let highlights = node["highlights"]
        .as_array()
        .unwrap_or_else(|| panic!("no highlights in {node:#}"))
        .iter()
        .map(|h| {
            (
                h["start"].as_i64().unwrap_or_else(|| panic!("{h}")),
                h["length"].as_i64().unwrap_or_else(|| panic!("{h}")),
            )
        })
        .collect();
    Hit {
        label: label_of(id),
        snippet: snippet.to_owned(),
        highlights,
    }
}

/// The hits of a `SEARCH` connection, from its edges, checking that `nodes` says the same.
fn edge_hits(conn: &Value) -> Vec<Hit> {
    let edges: Vec<Hit> = conn["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {conn:#}"))
        .iter()
        .map(|e| parse_hit(&e["node"]))
        .collect();
    let nodes: Vec<Hit> = conn["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {conn:#}"))
        .iter()
        .map(parse_hit)
        .collect();
    assert_eq!(nodes, edges, "nodes = edges");
    edges
}

fn labels(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(|h| h.label.clone()).collect()
}

/// `vars` without its null entries, so that an omitted argument takes its default.
fn omit_nulls(mut vars: Value) -> Value {
    if let Some(map) = vars.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    vars
}

/// The `searchMessages` connection for one request (`first` always given: see
/// `first_defaults_to_ten` for the default).
async fn search_page(
    app: &TestApp,
    token: &str,
    query: &str,
    first: u32,
    after: Value,
    filter: Value,
) -> Value {
    let vars = omit_nulls(json!({
        "query": query, "first": first, "after": after, "filter": filter,
    }));
    let data = app.data(token, SEARCH, vars).await;
    data["searchMessages"].clone()
}

/// Every hit of `query` (with `filter`) on one page of 50, checking totalCount and that
/// there is no other page.
async fn search(app: &TestApp, token: &str, query: &str, filter: Value) -> Vec<Hit> {
    let conn = search_page(app, token, query, 50, Value::Null, filter.clone()).await;
    let hits = edge_hits(&conn);
    let what = format!("query {query:?}, filter {filter}");
    assert_eq!(conn["totalCount"], hits.len(), "{what}: totalCount");
    assert_eq!(
        conn["pageInfo"]["hasNextPage"], false,
        "{what}: hasNextPage"
    );
    assert_eq!(
        conn["pageInfo"]["hasPreviousPage"], false,
        "{what}: hasPreviousPage"
    );
    hits
}

/// The labels of every hit of `query` with `filter`.
async fn search_labels(app: &TestApp, token: &str, query: &str, filter: Value) -> Vec<String> {
    labels(&search(app, token, query, filter).await)
}

/// Runs each (query, expected hits in order) case with `token`, without a filter.
async fn check(app: &TestApp, token: &str, cases: Vec<(&str, Vec<Hit>)>) {
    for (query, expected) in cases {
        let got = search(app, token, query, Value::Null).await;
        assert_eq!(got, expected, "query {query:?}");
    }
}

/// Runs each (filter, expected labels in order) case for `query` with `token`.
async fn check_filters(app: &TestApp, token: &str, query: &str, cases: Vec<(Value, Vec<&str>)>) {
    for (filter, expected) in cases {
        let got = search_labels(app, token, query, filter.clone()).await;
        assert_eq!(got, expected, "query {query:?}, filter {filter}");
    }
}

/// Asserts the request fails with `code`; returns the body.
async fn assert_error(app: &TestApp, token: &str, query: &str, vars: Value, code: &str) -> Value {
    let body = app.graphql(token, query, vars.clone()).await;
    assert_eq!(first_code(&body), code, "{query}\n{vars}\n{body:#}");
    body
}

/// Asserts `searchMessages(query: query)` is rejected as BAD_USER_INPUT.
async fn assert_rejected_query(app: &TestApp, token: &str, query: &str) {
    let body = app
        .graphql(token, SEARCH, json!({ "query": query, "first": 10 }))
        .await;
    assert_eq!(
        first_code(&body),
        BAD,
        "query {query:?} ({} chars): {body:#}",
        query.chars().count()
    );
}

/// The labels of `contacts(filter: filter)` in the default order; checks totalCount.
async fn contacts(app: &TestApp, token: &str, filter: Value) -> Vec<String> {
    let data = app.data(token, CONTACTS, json!({ "filter": filter })).await;
    let list = &data["contacts"];
    let got: Vec<String> = list["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {list:#}"))
        .iter()
        .map(|n| label_of(n["id"].as_str().unwrap()))
        .collect();
    assert_eq!(list["totalCount"], got.len(), "totalCount for {filter}");
    got
}

/// The five "invoice" hits, newest first (M14 and M15 tie at 22: the larger id first).
fn invoice_hits() -> Vec<Hit> {
    vec![
        hit("M17", "Where is my invoice?", &[(12, 7)]),
        hit("M16", "SMS copy of your invoice, as asked", &[(17, 7)]),
        hit("M15", "Please resend the invoice", &[(18, 7)]),
        hit("M14", "Your invoice is overdue", &[(5, 7)]),
        hit("M13", "Invoice attached for March", &[(0, 7)]),
    ]
}

/// The whole heartbeat hit of `H{n}`: the content fits, "Heartbeat" is at 0.
fn heartbeat_hit(n: u16) -> Hit {
    hit(&heartbeat(n), &heartbeat_content(n), &[(0, 9)])
}

// ---------------------------------------------------------------------------------------
// Matching semantics
// ---------------------------------------------------------------------------------------

async fn matching_is_case_insensitive_for_ascii_and_unicode(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let apart = vec![
        hit("M02", "The apartment is still free.", &[(4, 5)]),
        hit("M01", "Apartment viewing on Monday?", &[(0, 5)]),
    ];
    let apartment = vec![
        hit("M02", "The apartment is still free.", &[(4, 9)]),
        hit("M01", "Apartment viewing on Monday?", &[(0, 9)]),
    ];
    let ecole = vec![
        hit("M04", "ÉCOLE SAINT-EXUPÉRY: 5 min", &[(0, 5)]),
        hit("M03", "L'école est à côté.", &[(2, 5)]),
    ];
    let zurich = vec![
        hit("M07", "ZÜRICH OFFICE: CLOSED ON MONDAY", &[(0, 6)]),
        hit("M06", "Moving to Zürich next month", &[(10, 6)]),
    ];
    check(
        app,
        &token,
        vec![
            ("apart", apart.clone()),
            ("APART", apart.clone()),
            ("aPaRt", apart),
            ("APARTMENT", apartment.clone()),
            ("apartment", apartment),
            ("école", ecole.clone()),
            ("ÉCOLE", ecole.clone()),
            ("École", ecole),
            ("zürich", zurich.clone()),
            ("ZÜRICH", zurich.clone()),
            ("Zürich", zurich),
            // Part of a word.
            (
                "voic",
                vec![
                    hit("M17", "Where is my invoice?", &[(14, 4)]),
                    hit("M16", "SMS copy of your invoice, as asked", &[(19, 4)]),
                    hit("M15", "Please resend the invoice", &[(20, 4)]),
                    hit("M14", "Your invoice is overdue", &[(7, 4)]),
                    hit("M13", "Invoice attached for March", &[(2, 4)]),
                ],
            ),
        ],
    )
    .await;
}

async fn accents_are_not_folded(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let ecole = vec![hit("M05", "Is the ecole sign a typo?", &[(7, 5)])];
    check(
        app,
        &token,
        vec![
            // "ecole" finds only the unaccented M05, not "école" (M03) or "ÉCOLE" (M04).
            ("ecole", ecole.clone()),
            ("ECOLE", ecole),
            // "zurich" finds neither "Zürich" nor "ZÜRICH".
            ("zurich", vec![]),
            ("ZURICH", vec![]),
            // "cote" does not find "côté".
            ("cote", vec![]),
        ],
    )
    .await;
    // And the other way: "école" does not find "ecole".
    let got = search_labels(app, &token, "école", Value::Null).await;
    assert_eq!(got, ["M04", "M03"]);
}

async fn percent_underscore_and_backslash_are_literal(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let path = r"Path: C:\Users\ann\notes.txt";
    check(
        app,
        &token,
        vec![
            ("50%", vec![hit("M08", "Get 50% off today", &[(4, 3)])]),
            ("0%", vec![hit("M08", "Get 50% off today", &[(5, 2)])]),
            ("%", vec![hit("M08", "Get 50% off today", &[(6, 1)])]),
            ("500", vec![hit("M09", "Get 500 off today", &[(4, 3)])]),
            ("5%0", vec![]),
            ("a_b", vec![hit("M10", "Saved as a_b.txt", &[(9, 3)])]),
            ("_", vec![hit("M10", "Saved as a_b.txt", &[(10, 1)])]),
            ("axb", vec![hit("M11", "Saved as axb.txt", &[(9, 3)])]),
            ("a%b", vec![]),
            (r"\", vec![hit("M12", path, &[(8, 1), (14, 1), (18, 1)])]),
            (r"\a", vec![hit("M12", path, &[(14, 2)])]),
            (r"C:\Users", vec![hit("M12", path, &[(6, 8)])]),
            (r"C:\\Users", vec![]),
            (r"\\", vec![]),
            (r"\%", vec![]),
            (r"\_", vec![]),
        ],
    )
    .await;
}

async fn the_query_is_a_substring_not_words(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check(
        app,
        &token,
        vec![
            // No stemming.
            ("invoices", vec![]),
            // Not a bag of words: both words occur in M15, but not next to each other.
            ("resend invoice", vec![]),
            ("invoice resend", vec![]),
            (
                "resend the invoice",
                vec![hit("M15", "Please resend the invoice", &[(7, 18)])],
            ),
            (
                "the invoice",
                vec![hit("M15", "Please resend the invoice", &[(14, 11)])],
            ),
            // Across punctuation and spaces exactly as written.
            (
                "invoice, as",
                vec![hit(
                    "M16",
                    "SMS copy of your invoice, as asked",
                    &[(17, 11)],
                )],
            ),
            ("invoice as", vec![]),
        ],
    )
    .await;
}

async fn the_query_is_not_trimmed(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check(
        app,
        &token,
        vec![
            // A leading space: not M13, where "Invoice" starts the message.
            (
                " invoice",
                vec![
                    hit("M17", "Where is my invoice?", &[(11, 8)]),
                    hit("M16", "SMS copy of your invoice, as asked", &[(16, 8)]),
                    hit("M15", "Please resend the invoice", &[(17, 8)]),
                    hit("M14", "Your invoice is overdue", &[(4, 8)]),
                ],
            ),
            // A trailing space: only where "invoice" is followed by a space.
            (
                "invoice ",
                vec![
                    hit("M14", "Your invoice is overdue", &[(5, 8)]),
                    hit("M13", "Invoice attached for March", &[(0, 8)]),
                ],
            ),
            (
                " invoice ",
                vec![hit("M14", "Your invoice is overdue", &[(4, 9)])],
            ),
        ],
    )
    .await;
}

async fn one_and_two_character_queries(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let e_acute = vec![
        hit(
            "M18",
            "🎉 Café 東京 déjà vu: parking included",
            &[(5, 1), (11, 1)],
        ),
        hit("M04", "ÉCOLE SAINT-EXUPÉRY: 5 min", &[(0, 1), (16, 1)]),
        hit("M03", "L'école est à côté.", &[(2, 1), (17, 1)]),
    ];
    let u_umlaut = vec![
        hit("M07", "ZÜRICH OFFICE: CLOSED ON MONDAY", &[(1, 1)]),
        hit("M06", "Moving to Zürich next month", &[(11, 1)]),
    ];
    let zu = vec![
        hit("M07", "ZÜRICH OFFICE: CLOSED ON MONDAY", &[(0, 2)]),
        hit("M06", "Moving to Zürich next month", &[(10, 2)]),
    ];
    check(
        app,
        &token,
        vec![
            ("é", e_acute.clone()),
            ("É", e_acute),
            ("ü", u_umlaut.clone()),
            ("Ü", u_umlaut),
            ("zü", zu.clone()),
            ("ZÜ", zu.clone()),
            ("Zü", zu),
            // CJK and accented letters in a long message (M19: cut at 160, match near the start).
            (
                "東",
                vec![
                    hit("M19", M19_HEAD, &[(3, 1)]),
                    hit("M18", "🎉 Café 東京 déjà vu: parking included", &[(7, 1)]),
                ],
            ),
            (
                "ñ",
                vec![hit("M19", M19_HEAD, &[(22, 1), (43, 1), (50, 1)])],
            ),
            (
                "Ñ",
                vec![hit("M19", M19_HEAD, &[(22, 1), (43, 1), (50, 1)])],
            ),
            ("mm", vec![hit("M26", "Hmmmm... aaaa!", &[(1, 2), (3, 2)])]),
            ("MM", vec![hit("M26", "Hmmmm... aaaa!", &[(1, 2), (3, 2)])]),
            ("%", vec![hit("M08", "Get 50% off today", &[(6, 1)])]),
            ("_", vec![hit("M10", "Saved as a_b.txt", &[(10, 1)])]),
            ("¿", vec![]),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Snippets and highlights
// ---------------------------------------------------------------------------------------

/// M19's first 160 characters and "…": its snippet when the first match is within its
/// first 40 characters.
const M19_HEAD: &str = concat!(
    "🏠🏠 東京タワーの近く、静かな部屋です。mañana visita con la",
    " señora Núñez 🙂 予約は午後3時です。The deposit is",
    " two months of rent (保証金は家賃の2ヶ月分) and is",
    " paid before the keys are handed over. 鍵",
    "…",
);

/// M19 for "deposit" (at 70): "…", characters 30..190, "…".
const M19_DEPOSIT: &str = concat!(
    "…",
    "ita con la",
    " señora Núñez 🙂 予約は午後3時です。The deposit is",
    " two months of rent (保証金は家賃の2ヶ月分) and is",
    " paid before the keys are handed over. 鍵",
    "の受け渡しは月曜日の午前中です。駐車場はありません。自転車置",
    "…",
);

/// M20 for "mortgage" (first at 126): "…", characters 86..246, "…".
const M20_MORTGAGE: &str = concat!(
    "…",
    "sked for and posted them on Friday",
    ". Our mortgage broker says the bank need",
    "s one more signed form, so the MORTGAGE ",
    "offer can go ahead. Please confirm by Mo",
    "nday w",
    "…",
);

/// M21's first 160 characters and "…": its snippet for "mortgage" (first at 4) and
/// "attached" (at 40).
const M21_HEAD: &str = concat!(
    "Re: mortgage pre-approval. Hello again, ",
    "attached is the letter from the lender. ",
    "It lists the rate, the term and the fees",
    ", and it is valid for ninety days. The b",
    "…",
);

/// M22 for "mortgage" (at 292): "…", characters 252..308 (the end).
const M22_MORTGAGE: &str = "… letter. We now only wait for the final mortgage letter.";

/// M23 (exactly 160 characters, "boundary" at 40): the whole content.
const M23_BOUNDARY: &str = concat!(
    "Move-in checklist, item 7 of 9: see the ",
    "boundary wall between the two gardens be",
    "fore signing; the shed stays with the ho",
    "use and the gate key is in a top drawer.",
);

/// M24 (161 characters, "boundary" at 41): "…", characters 1..161 (the end).
const M24_BOUNDARY: &str = concat!(
    "…",
    "ove-in checklist, item 8 of 9: read the",
    " boundary wall between the two gardens b",
    "efore signing; the shed stays with the h",
    "ouse and the gate key is in a top drawer",
    ".",
);

async fn short_messages_are_whole_snippets_with_character_offsets(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let m18 = "🎉 Café 東京 déjà vu: parking included";
    check(
        app,
        &token,
        vec![
            // The term at the start (M13), in the middle (M14, M16, M17) and at the end (M15).
            ("invoice", invoice_hits()),
            ("INVOICE", invoice_hits()),
            // An emoji (one code point, two UTF-16 units), CJK and accented letters before the
            // match: offsets count code points.
            ("parking", vec![hit("M18", m18, &[(19, 7)])]),
            ("PARKING INCLUDED", vec![hit("M18", m18, &[(19, 16)])]),
            ("déjà vu", vec![hit("M18", m18, &[(10, 7)])]),
            ("DÉJÀ VU", vec![hit("M18", m18, &[(10, 7)])]),
            ("vu: p", vec![hit("M18", m18, &[(15, 5)])]),
            ("東京 déjà", vec![hit("M18", m18, &[(7, 7)])]),
            ("🎉", vec![hit("M18", m18, &[(0, 1)])]),
            ("🎉 café", vec![hit("M18", m18, &[(0, 6)])]),
        ],
    )
    .await;
}

async fn long_messages_are_cut_around_the_first_match(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check(
        app,
        &token,
        vec![
            (
                "mortgage",
                vec![
                    // Near the end: 40 characters before, then the rest; no "…" behind.
                    hit("M22", M22_MORTGAGE, &[(41, 8)]),
                    // Near the start: no "…" in front; the occurrence at 178 is outside.
                    hit("M21", M21_HEAD, &[(4, 8)]),
                    // Far from both ends: "…" on both sides; "MORTGAGE" at 191 is inside the
                    // snippet (1 + 191 − 86 = 106), the one at 322 is not.
                    hit("M20", M20_MORTGAGE, &[(41, 8), (106, 8)]),
                ],
            ),
            // Exactly 40 characters before the match: nothing cut at the start.
            (
                "attached",
                vec![
                    hit("M21", M21_HEAD, &[(40, 8)]),
                    hit("M13", "Invoice attached for March", &[(8, 8)]),
                ],
            ),
            // Cut through Japanese text on both sides: 40 characters before "deposit".
            ("deposit", vec![hit("M19", M19_DEPOSIT, &[(41, 7)])]),
            ("DEPOSIT IS TWO", vec![hit("M19", M19_DEPOSIT, &[(41, 14)])]),
            (
                "boundary",
                vec![
                    // 161 characters, match at 41: one character cut at the start, none at the
                    // end.
                    hit("M24", M24_BOUNDARY, &[(41, 8)]),
                    // Exactly 160 characters, match at 40: the whole content.
                    hit("M23", M23_BOUNDARY, &[(40, 8)]),
                ],
            ),
        ],
    )
    .await;
    // The snippets are at most 160 characters plus the ellipses.
    for hit in search(app, &token, "mortgage", Value::Null).await {
        let body = hit.snippet.trim_start_matches('…').trim_end_matches('…');
        assert!(body.chars().count() <= 160, "{hit:?}");
    }
}

async fn highlights_mark_every_non_overlapping_occurrence(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let tea = "Tea, TEA or tea? Steam tea.";
    let hmm = "Hmmmm... aaaa!";
    check(
        app,
        &token,
        vec![
            (
                "tea",
                vec![hit(
                    "M25",
                    tea,
                    &[(0, 3), (5, 3), (12, 3), (18, 3), (23, 3)],
                )],
            ),
            ("TEA?", vec![hit("M25", tea, &[(12, 4)])]),
            // "mmmm": occurrences of "mm" at 1 and 3, not 2.
            ("mm", vec![hit("M26", hmm, &[(1, 2), (3, 2)])]),
            ("mmm", vec![hit("M26", hmm, &[(1, 3)])]),
            ("aa", vec![hit("M26", hmm, &[(9, 2), (11, 2)])]),
            ("AAA", vec![hit("M26", hmm, &[(9, 3)])]),
            ("...", vec![hit("M26", hmm, &[(5, 3)])]),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Order, paging, totalCount
// ---------------------------------------------------------------------------------------

async fn hits_are_newest_first_then_by_larger_id(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // M14 and M15 are both sent at 22: M15 (larger id) first.
    let got = search_labels(app, &token, "invoice", Value::Null).await;
    assert_eq!(got, ["M17", "M16", "M15", "M14", "M13"]);
    // H50..H55 are sent at 125, 125, 126, 126, 127, 127.
    let got = search(app, &token, "Heartbeat 5", Value::Null).await;
    let expected: Vec<Hit> = (50..=55)
        .rev()
        .map(|n| hit(&heartbeat(n), &heartbeat_content(n), &[(0, 11)]))
        .collect();
    assert_eq!(got, expected);
}

async fn paging_through_more_than_fifty_hits(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // H55, H54, ..., H01.
    let all: Vec<Hit> = (1..=HEARTBEATS).rev().map(heartbeat_hit).collect();
    assert_eq!(all.len(), 55);

    let mut after = Value::Null;
    let mut seen: Vec<Hit> = Vec::new();
    let mut cursors: Vec<String> = Vec::new();
    for (k, (lo, hi)) in [(0, 20), (20, 40), (40, 55)].into_iter().enumerate() {
        let conn = search_page(app, &token, "heartbeat", 20, after.clone(), Value::Null).await;
        let page = edge_hits(&conn);
        let ctx = format!("page {k}");
        assert_eq!(page, all[lo..hi], "{ctx}");
        assert_eq!(conn["totalCount"], 55, "{ctx}: totalCount");
        let info = &conn["pageInfo"];
        assert_eq!(info["hasPreviousPage"], k > 0, "{ctx}: hasPreviousPage");
        assert_eq!(info["hasNextPage"], hi < 55, "{ctx}: hasNextPage");
        let edges = conn["edges"].as_array().unwrap();
        assert_eq!(
            info["startCursor"], edges[0]["cursor"],
            "{ctx}: startCursor"
        );
        assert_eq!(
            info["endCursor"],
            edges[edges.len() - 1]["cursor"],
            "{ctx}: endCursor"
        );
        for e in edges {
            let cursor = e["cursor"].as_str().expect("a cursor string");
            assert!(!cursor.is_empty(), "{ctx}: empty cursor");
            cursors.push(cursor.to_owned());
        }
        seen.extend(page);
        after = info["endCursor"].clone();
    }
    assert_eq!(seen, all, "every hit once, in order");
    let mut unique = cursors.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 55, "55 distinct cursors");

    // The cursor of any edge continues right after it. H51 (index 4) ties with H50 at 125.
    let conn = search_page(app, &token, "heartbeat", 3, json!(cursors[4]), Value::Null).await;
    assert_eq!(edge_hits(&conn), all[5..8]);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], true);
    // After the last hit: an empty page.
    let conn = search_page(
        app,
        &token,
        "heartbeat",
        20,
        json!(cursors[54]),
        Value::Null,
    )
    .await;
    assert_eq!(edge_hits(&conn), Vec::<Hit>::new());
    assert_eq!(conn["totalCount"], 55);
    assert_eq!(conn["pageInfo"]["hasNextPage"], false);

    // first: 50 gives 50 of them.
    let conn = search_page(app, &token, "heartbeat", 50, Value::Null, Value::Null).await;
    assert_eq!(edge_hits(&conn), all[..50]);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    let conn = search_page(
        app,
        &token,
        "heartbeat",
        50,
        conn["pageInfo"]["endCursor"].clone(),
        Value::Null,
    )
    .await;
    assert_eq!(edge_hits(&conn), all[50..]);
    assert_eq!(conn["pageInfo"]["hasNextPage"], false);
}

async fn first_defaults_to_ten(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // The document leaves `first` out altogether.
    let data = app
        .data(
            &token,
            SEARCH_DEFAULT_FIRST,
            json!({ "query": "heartbeat" }),
        )
        .await;
    let conn = &data["searchMessages"];
    let expected: Vec<Hit> = (46..=55).rev().map(heartbeat_hit).collect();
    assert_eq!(edge_hits(conn), expected);
    assert_eq!(conn["totalCount"], 55);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], false);
    // The next default page.
    let data = app
        .data(
            &token,
            SEARCH_DEFAULT_FIRST,
            json!({ "query": "heartbeat", "after": conn["pageInfo"]["endCursor"] }),
        )
        .await;
    let conn = &data["searchMessages"];
    let expected: Vec<Hit> = (36..=45).rev().map(heartbeat_hit).collect();
    assert_eq!(edge_hits(conn), expected);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], true);
}

async fn a_page_size_above_fifty_is_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for first in [51, 100, 1000] {
        let body = assert_error(
            app,
            &token,
            SEARCH,
            json!({ "query": "heartbeat", "first": first }),
            BAD,
        )
        .await;
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("50"), "first {first}: {message}");
    }
    // With a filter that leaves few hits, too.
    assert_error(
        app,
        &token,
        SEARCH,
        json!({ "query": "invoice", "first": 51, "filter": { "conversationId": sid("X01") } }),
        BAD,
    )
    .await;
    // 50 is allowed.
    let conn = search_page(app, &token, "invoice", 50, Value::Null, Value::Null).await;
    assert_eq!(edge_hits(&conn), invoice_hits());
}

async fn a_cursor_from_another_list_is_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) {
                conversations(first: 2) { edges { cursor } }
                conversation(id: $id) { messages(first: 2) { edges { cursor } } }
                contacts(first: 2) { edges { cursor } }
            }"#,
            json!({ "id": sid("X01") }),
        )
        .await;
    let foreign = [
        data["conversations"]["edges"][0]["cursor"].clone(),
        data["conversation"]["messages"]["edges"][0]["cursor"].clone(),
        data["contacts"]["edges"][0]["cursor"].clone(),
        json!("not a cursor"),
        json!(""),
    ];
    for cursor in foreign {
        assert!(cursor.is_string(), "{data:#}");
        assert_error(
            app,
            &token,
            SEARCH,
            json!({ "query": "heartbeat", "first": 5, "after": cursor }),
            BAD,
        )
        .await;
    }
}

async fn total_count_covers_all_pages_with_and_without_filters(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cases = [
        ("heartbeat", Value::Null, 55, Some("H55")),
        (
            "heartbeat",
            json!({ "sentAt": { "from": iso(110), "to": iso(120) } }),
            20,
            Some("H39"),
        ),
        (
            "heartbeat",
            json!({ "conversationId": sid("X06") }),
            55,
            Some("H55"),
        ),
        (
            "heartbeat",
            json!({ "conversationId": sid("X01") }),
            0,
            None,
        ),
        ("heartbeat", json!({ "direction": "OUTBOUND" }), 0, None),
        ("invoice", Value::Null, 5, Some("M17")),
        ("invoice", json!({ "inboxId": sid("IN1") }), 2, Some("M16")),
        ("invoice", json!({ "direction": "INBOUND" }), 3, Some("M17")),
        ("mortgage", Value::Null, 3, Some("M22")),
        ("quokka", Value::Null, 0, None),
    ];
    for (query, filter, total, head) in cases {
        let conn = search_page(app, &token, query, 1, Value::Null, filter.clone()).await;
        let what = format!("{query:?} {filter}");
        assert_eq!(conn["totalCount"], total, "{what}");
        let got = labels(&edge_hits(&conn));
        let expected: Vec<String> = head.into_iter().map(String::from).collect();
        assert_eq!(got, expected, "{what}");
        assert_eq!(conn["pageInfo"]["hasNextPage"], total > 1, "{what}");
    }
}

async fn a_filtered_search_pages_with_its_own_total(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // Sent in [110, 120): H39 .. H20, 20 hits.
    let filter = json!({ "sentAt": { "from": iso(110), "to": iso(120) } });
    let all: Vec<Hit> = (20..=39).rev().map(heartbeat_hit).collect();
    let mut after = Value::Null;
    let mut seen = Vec::new();
    for (k, (lo, hi)) in [(0, 7), (7, 14), (14, 20)].into_iter().enumerate() {
        let conn = search_page(app, &token, "heartbeat", 7, after, filter.clone()).await;
        let page = edge_hits(&conn);
        assert_eq!(page, all[lo..hi], "page {k}");
        assert_eq!(conn["totalCount"], 20, "page {k}");
        assert_eq!(conn["pageInfo"]["hasNextPage"], hi < 20, "page {k}");
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], k > 0, "page {k}");
        after = conn["pageInfo"]["endCursor"].clone();
        seen.extend(page);
    }
    assert_eq!(seen, all);
}

// ---------------------------------------------------------------------------------------
// MessageSearchFilter
// ---------------------------------------------------------------------------------------

async fn filter_by_conversation_contact_and_inbox(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check_filters(
        app,
        &token,
        "invoice",
        vec![
            (Value::Null, vec!["M17", "M16", "M15", "M14", "M13"]),
            (json!({}), vec!["M17", "M16", "M15", "M14", "M13"]),
            (json!({ "conversationId": sid("X01") }), vec!["M13"]),
            (json!({ "conversationId": sid("X02") }), vec!["M14"]),
            (json!({ "conversationId": sid("X03") }), vec!["M15"]),
            (json!({ "conversationId": sid("X04") }), vec!["M16"]),
            (json!({ "conversationId": sid("X05") }), vec!["M17"]),
            (json!({ "conversationId": sid("X06") }), vec![]),
            (json!({ "conversationId": sid("X99") }), vec![]),
            // The contact of the message's conversation: K2 has X02 and X04; X05 has none.
            (json!({ "contactId": sid("K1") }), vec!["M13"]),
            (json!({ "contactId": sid("K2") }), vec!["M16", "M14"]),
            (json!({ "contactId": sid("K3") }), vec!["M15"]),
            (json!({ "contactId": sid("K4") }), vec![]),
            // The inbox of the message's conversation: IN1 has X01 and X04, IN2 X02 and X05.
            (json!({ "inboxId": sid("IN1") }), vec!["M16", "M13"]),
            (json!({ "inboxId": sid("IN2") }), vec!["M17", "M14"]),
            (json!({ "inboxId": sid("IN3") }), vec!["M15"]),
        ],
    )
    .await;
    check_filters(
        app,
        &token,
        "mortgage",
        vec![
            (json!({ "conversationId": sid("X01") }), vec!["M20"]),
            (json!({ "contactId": sid("K2") }), vec!["M21"]),
            (json!({ "inboxId": sid("IN3") }), vec!["M22"]),
        ],
    )
    .await;
    // The snippet does not depend on the filter.
    let got = search(
        app,
        &token,
        "mortgage",
        json!({ "conversationId": sid("X01") }),
    )
    .await;
    assert_eq!(got, [hit("M20", M20_MORTGAGE, &[(41, 8), (106, 8)])]);
}

async fn filter_by_channel_is_the_messages_effective_channel(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check_filters(
        app,
        &token,
        "invoice",
        vec![
            // M16 is an SMS in the EMAIL conversation X04 (its own channel wins); M17 has
            // no channel, so its conversation X05's, WHATSAPP, is its channel.
            (json!({ "channel": "EMAIL" }), vec!["M13"]),
            (json!({ "channel": "SMS" }), vec!["M16"]),
            (json!({ "channel": "WHATSAPP" }), vec!["M17", "M14"]),
            (json!({ "channel": "CHAT" }), vec!["M15"]),
            (json!({ "channel": "PHONE" }), vec![]),
        ],
    )
    .await;
    check_filters(
        app,
        &token,
        "é",
        vec![
            (json!({ "channel": "SMS" }), vec!["M18"]),
            (json!({ "channel": "CHAT" }), vec!["M04", "M03"]),
            (json!({ "channel": "EMAIL" }), vec![]),
        ],
    )
    .await;
}

async fn filter_by_direction_and_sent_at_range(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // invoice: M13 sent at 20, M14 and M15 at 22, M16 at 24, M17 at 26.
    check_filters(
        app,
        &token,
        "invoice",
        vec![
            (json!({ "direction": "INBOUND" }), vec!["M17", "M15", "M13"]),
            (json!({ "direction": "OUTBOUND" }), vec!["M16", "M14"]),
            // from is inclusive, to exclusive.
            (
                json!({ "sentAt": { "from": iso(22) } }),
                vec!["M17", "M16", "M15", "M14"],
            ),
            (json!({ "sentAt": { "to": iso(22) } }), vec!["M13"]),
            (
                json!({ "sentAt": { "from": iso(22), "to": iso(24) } }),
                vec!["M15", "M14"],
            ),
            (
                json!({ "sentAt": { "from": iso(20), "to": iso(26) } }),
                vec!["M16", "M15", "M14", "M13"],
            ),
            (json!({ "sentAt": { "from": iso(27) } }), vec![]),
            (json!({ "sentAt": { "to": iso(20) } }), vec![]),
            (
                json!({ "sentAt": {} }),
                vec!["M17", "M16", "M15", "M14", "M13"],
            ),
        ],
    )
    .await;
}

async fn filter_fields_combine_with_and(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    check_filters(
        app,
        &token,
        "invoice",
        vec![
            (
                json!({ "inboxId": sid("IN1"), "direction": "OUTBOUND" }),
                vec!["M16"],
            ),
            (
                json!({ "contactId": sid("K2"), "channel": "WHATSAPP" }),
                vec!["M14"],
            ),
            (
                // M17 (no channel) is in X05, a WHATSAPP conversation of IN2.
                json!({ "inboxId": sid("IN2"), "channel": "WHATSAPP" }),
                vec!["M17", "M14"],
            ),
            (
                json!({ "conversationId": sid("X04"), "channel": "EMAIL" }),
                vec![],
            ),
            (
                json!({ "contactId": sid("K2"), "sentAt": { "from": iso(23) } }),
                vec!["M16"],
            ),
            (
                json!({ "conversationId": sid("X01"), "contactId": sid("K1"), "inboxId": sid("IN1"),
                        "channel": "EMAIL", "direction": "INBOUND",
                        "sentAt": { "from": iso(20), "to": iso(21) } }),
                vec!["M13"],
            ),
            (
                json!({ "conversationId": sid("X01"), "contactId": sid("K2") }),
                vec![],
            ),
        ],
    )
    .await;
}

async fn a_malformed_id_in_the_filter_is_bad_user_input(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for field in ["conversationId", "contactId", "inboxId"] {
        for bad in ["nope", "X01", "123", ""] {
            assert_error(
                app,
                &token,
                SEARCH,
                json!({ "query": "invoice", "first": 10, "filter": { field: bad } }),
                BAD,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Relations
// ---------------------------------------------------------------------------------------

async fn hits_resolve_the_message_conversation_and_contact(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let data = app
        .data(&token, SEARCH_RELATIONS, json!({ "query": "invoice" }))
        .await;
    let conversation = |label: &str, subject: &str, channel: &str, inbox: &str| json!({ "id": sid(label), "subject": subject, "channel": channel, "inbox": { "id": sid(inbox) } });
    let contact = |label: &str, full_name: &str| json!({ "id": sid(label), "fullName": full_name });
    let expected = json!({
        "searchMessages": {
            "totalCount": 5,
            "nodes": [
                { "message": {
                    "id": sid("M17"), "content": "Where is my invoice?", "direction": "INBOUND",
                    // Stored without a channel: its conversation's.
                    "channel": "WHATSAPP", "sentAt": iso(26),
                    "conversation": conversation("X05", "Anonymous", "WHATSAPP", "IN2"),
                    "contact": null } },
                { "message": {
                    "id": sid("M16"), "content": "SMS copy of your invoice, as asked",
                    "direction": "OUTBOUND", "channel": "SMS", "sentAt": iso(24),
                    "conversation": conversation("X04", "Offers", "EMAIL", "IN1"),
                    "contact": contact("K2", "Joanna Smith") } },
                { "message": {
                    "id": sid("M15"), "content": "Please resend the invoice", "direction": "INBOUND",
                    "channel": "CHAT", "sentAt": iso(22),
                    "conversation": conversation("X03", "Website chat", "CHAT", "IN3"),
                    "contact": contact("K3", "Bo Annley") } },
                { "message": {
                    "id": sid("M14"), "content": "Your invoice is overdue", "direction": "OUTBOUND",
                    "channel": "WHATSAPP", "sentAt": iso(22),
                    "conversation": conversation("X02", "WhatsApp chat", "WHATSAPP", "IN2"),
                    "contact": contact("K2", "Joanna Smith") } },
                { "message": {
                    "id": sid("M13"), "content": "Invoice attached for March", "direction": "INBOUND",
                    "channel": "EMAIL", "sentAt": iso(20),
                    "conversation": conversation("X01", "Viewing", "EMAIL", "IN1"),
                    "contact": contact("K1", "Ann Lee") } },
            ]
        }
    });
    assert_eq!(data, expected);
}

// ---------------------------------------------------------------------------------------
// Tenancy and scope
// ---------------------------------------------------------------------------------------

async fn only_the_token_companys_messages_are_searched(app: &TestApp) {
    fx::load(app.conn()).await;
    let alpha = app.reader(ALPHA);
    let beta = app.reader(BETA);
    // Only Beta has "quokka".
    let conn = search_page(app, &alpha, "quokka", 10, Value::Null, Value::Null).await;
    assert_eq!(
        conn,
        json!({
            "totalCount": 0,
            "edges": [],
            "nodes": [],
            "pageInfo": {
                "hasNextPage": false, "hasPreviousPage": false,
                "startCursor": null, "endCursor": null
            }
        })
    );
    check(
        app,
        &beta,
        vec![
            (
                "quokka",
                vec![
                    hit("BM2", "Beta invoice 50% paid, quokka", &[(23, 6)]),
                    hit("BM1", "Apartment in Beta: quokka sighting", &[(19, 6)]),
                ],
            ),
            (
                "invoice",
                vec![hit("BM2", "Beta invoice 50% paid, quokka", &[(5, 7)])],
            ),
            (
                "50%",
                vec![hit("BM2", "Beta invoice 50% paid, quokka", &[(13, 3)])],
            ),
            (
                "heartbeat",
                vec![hit("BM3", "Heartbeat from Beta", &[(0, 9)])],
            ),
            ("mortgage", vec![]),
        ],
    )
    .await;
    // Alpha's lists hold none of Beta's messages for the terms both companies have.
    assert_eq!(
        search_labels(app, &alpha, "apart", Value::Null).await,
        ["M02", "M01"]
    );
    assert_eq!(
        search_labels(app, &alpha, "50%", Value::Null).await,
        ["M08"]
    );
    let conn = search_page(app, &alpha, "heartbeat", 1, Value::Null, Value::Null).await;
    assert_eq!(conn["totalCount"], 55);
    assert_eq!(labels(&edge_hits(&conn)), ["H55"]);
    // Filters naming the other company's rows find nothing.
    for filter in [
        json!({ "conversationId": sid("BX1") }),
        json!({ "contactId": sid("BK1") }),
        json!({ "inboxId": sid("BI1") }),
    ] {
        assert_eq!(
            search_labels(app, &alpha, "quokka", filter.clone()).await,
            Vec::<String>::new(),
            "{filter}"
        );
        assert_eq!(
            search_labels(app, &alpha, "invoice", filter.clone()).await,
            Vec::<String>::new(),
            "{filter}"
        );
    }
    for filter in [
        json!({ "conversationId": sid("X01") }),
        json!({ "contactId": sid("K1") }),
        json!({ "inboxId": sid("IN1") }),
    ] {
        assert_eq!(
            search_labels(app, &beta, "invoice", filter.clone()).await,
            Vec::<String>::new(),
            "{filter}"
        );
    }
}

async fn searching_needs_the_read_scope(app: &TestApp) {
    fx::load(app.conn()).await;
    for scope in ["write:conversations", "", "read:calls", "read:conversation"] {
        let token = app.token(ALPHA, scope);
        assert_error(
            app,
            &token,
            SEARCH,
            json!({ "query": "invoice", "first": 10 }),
            "FORBIDDEN",
        )
        .await;
        assert_error(
            app,
            &token,
            CONTACTS,
            json!({ "filter": { "query": "ann" } }),
            "FORBIDDEN",
        )
        .await;
    }
    let token = app.token(ALPHA, "write:conversations read:conversations");
    assert_eq!(
        search_labels(app, &token, "invoice", Value::Null).await,
        ["M17", "M16", "M15", "M14", "M13"]
    );
}

// ---------------------------------------------------------------------------------------
// Query validation
// ---------------------------------------------------------------------------------------

async fn empty_blank_and_over_long_queries_are_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let over_long = [
        "x".repeat(201),
        "é".repeat(201),
        "東".repeat(201),
        // Not trimmed: the spaces count.
        format!(" {} ", "x".repeat(199)),
        "invoice".repeat(29) + "!!!!!!!!!!",
    ];
    for query in over_long.iter().map(String::as_str).chain([
        "",
        " ",
        "   ",
        "\t",
        "\n",
        " \t\r\n ",
        &" ".repeat(200),
    ]) {
        assert_rejected_query(app, &token, query).await;
    }
    assert_eq!(over_long[4].chars().count(), 213);
}

async fn queries_of_up_to_200_characters_are_accepted(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // 200 characters of M19 (363 bytes) find M19.
    let head: String = M19.chars().take(200).collect();
    assert_eq!(head.chars().count(), 200);
    assert_eq!(head.len(), 363, "bytes");
    // 200 characters of M21 from character 4 on ("mortgage pre-approval. …").
    let middle: String = fx::M21.chars().skip(4).take(200).collect();
    assert_eq!(middle.chars().count(), 200);
    let upper = head.to_uppercase();
    assert_eq!(upper.chars().count(), 200);
    let cases = [
        (head, vec!["M19"]),
        (upper, vec!["M19"]),
        (middle, vec!["M21"]),
        ("é".repeat(200), vec![]),
        ("x".repeat(200), vec![]),
        (format!(" {} ", "x".repeat(198)), vec![]),
    ];
    for (query, expected) in cases {
        let data = app
            .data(&token, SEARCH_IDS, json!({ "query": query, "first": 50 }))
            .await;
        let conn = &data["searchMessages"];
        let got: Vec<String> = conn["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| label_of(n["message"]["id"].as_str().unwrap()))
            .collect();
        assert_eq!(got, expected, "query {query:?}");
        assert_eq!(conn["totalCount"], expected.len(), "query {query:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Writes show up at once
// ---------------------------------------------------------------------------------------

async fn created_messages_appear_and_deleted_ones_disappear(app: &TestApp) {
    fx::load(app.conn()).await;
    let reader = app.reader(ALPHA);
    let writer = app.token(ALPHA, "read:conversations write:conversations");
    assert_eq!(
        search_labels(app, &reader, "zeppelin", Value::Null).await,
        Vec::<String>::new()
    );

    let data = app
        .data(
            &writer,
            CREATE_MESSAGE,
            json!({
                "conversationId": sid("X03"),
                "input": {
                    "content": "Zeppelin invoice is paid",
                    "direction": "OUTBOUND",
                    "channel": "CHAT",
                    "sentAt": iso(23),
                },
            }),
        )
        .await;
    let payload = &data["createMessage"];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    let new_id = payload["message"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no message in {payload:#}"))
        .to_owned();

    // Found at once, by a new term and by an old one (in its place by sentAt 23).
    assert_eq!(
        search(app, &reader, "ZEPPELIN", Value::Null).await,
        [hit(&new_id, "Zeppelin invoice is paid", &[(0, 8)])]
    );
    let mut with_new = invoice_hits();
    with_new.insert(2, hit(&new_id, "Zeppelin invoice is paid", &[(9, 7)]));
    assert_eq!(search(app, &reader, "invoice", Value::Null).await, with_new);
    assert_eq!(
        search_labels(
            app,
            &reader,
            "invoice",
            json!({ "conversationId": sid("X03"), "direction": "OUTBOUND" }),
        )
        .await,
        [new_id.as_str()]
    );
    // It resolves its conversation and contact.
    let data = app
        .data(&reader, SEARCH_RELATIONS, json!({ "query": "zeppelin" }))
        .await;
    let message = &data["searchMessages"]["nodes"][0]["message"];
    assert_eq!(message["id"], new_id.as_str());
    assert_eq!(message["conversation"]["id"], sid("X03"));
    assert_eq!(message["contact"]["id"], sid("K3"));
    // Beta does not see it.
    assert_eq!(
        search_labels(app, &app.reader(BETA), "zeppelin", Value::Null).await,
        Vec::<String>::new()
    );

    // Deleted: gone at once.
    let data = app
        .data(&writer, DELETE_MESSAGE, json!({ "id": new_id }))
        .await;
    assert_eq!(data["deleteMessage"]["userErrors"], json!([]), "{data:#}");
    assert_eq!(data["deleteMessage"]["deletedId"], new_id.as_str());
    assert_eq!(
        search_labels(app, &reader, "zeppelin", Value::Null).await,
        Vec::<String>::new()
    );
    assert_eq!(
        search(app, &reader, "invoice", Value::Null).await,
        invoice_hits()
    );

    // Deleting a fixture message removes it too.
    let data = app
        .data(&writer, DELETE_MESSAGE, json!({ "id": sid("M13") }))
        .await;
    assert_eq!(data["deleteMessage"]["userErrors"], json!([]), "{data:#}");
    assert_eq!(
        search(app, &reader, "invoice", Value::Null).await,
        invoice_hits()[..4]
    );
    assert_eq!(
        search_labels(app, &reader, "invoice attached", Value::Null).await,
        Vec::<String>::new()
    );
}

async fn a_new_hit_ahead_of_the_cursor_does_not_shift_the_next_page(app: &TestApp) {
    fx::load(app.conn()).await;
    let reader = app.reader(ALPHA);
    let writer = app.token(ALPHA, "read:conversations write:conversations");
    let all: Vec<Hit> = (1..=HEARTBEATS).rev().map(heartbeat_hit).collect();
    let conn = search_page(app, &reader, "heartbeat", 20, Value::Null, Value::Null).await;
    assert_eq!(edge_hits(&conn), all[..20]);
    let end = conn["pageInfo"]["endCursor"].clone();

    // A newer heartbeat, ahead of the whole first page.
    let data = app
        .data(
            &writer,
            CREATE_MESSAGE,
            json!({
                "conversationId": sid("X06"),
                "input": {
                    "content": "Heartbeat 56: all systems nominal",
                    "direction": "INBOUND",
                    "channel": "CHAT",
                    "sentAt": iso(150),
                },
            }),
        )
        .await;
    assert_eq!(data["createMessage"]["userErrors"], json!([]), "{data:#}");
    let new_id = data["createMessage"]["message"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let conn = search_page(app, &reader, "heartbeat", 20, end, Value::Null).await;
    assert_eq!(edge_hits(&conn), all[20..40]);
    assert_eq!(conn["totalCount"], 56);
    let conn = search_page(app, &reader, "heartbeat", 2, Value::Null, Value::Null).await;
    assert_eq!(
        edge_hits(&conn),
        [
            hit(&new_id, "Heartbeat 56: all systems nominal", &[(0, 9)]),
            heartbeat_hit(55),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// contacts(filter: { query })
// ---------------------------------------------------------------------------------------

async fn contacts_query_matches_name_surname_full_name_and_email(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // Default order: K6, K5, K4, K3, K2, K1 (BK1 is Beta's).
    let cases: Vec<(&str, Vec<&str>)> = vec![
        // Name (Ann, Joanna), lastName (Annley) and email (ann.lee, annleeds).
        ("ann", vec!["K6", "K3", "K2", "K1"]),
        ("ANN", vec!["K6", "K3", "K2", "K1"]),
        // Name (Lee), surnames (Lee, Leeds, Leeson), emails.
        ("lee", vec!["K6", "K5", "K4", "K1"]),
        ("Joanna", vec!["K2"]),
        ("SMITH", vec!["K2"]),
        // The full name "name surname", across the two columns.
        ("Ann Lee", vec!["K6", "K1"]),
        ("ann lee", vec!["K6", "K1"]),
        ("ANN LEEDS", vec!["K6"]),
        ("n L", vec!["K6", "K1"]),
        ("o A", vec!["K3"]),
        ("Bo Annley", vec!["K3"]),
        ("Joanna Smith", vec!["K2"]),
        ("ann  lee", vec![]),
        ("Lee Ann", vec![]),
        // Email.
        ("example.org", vec!["K2"]),
        ("EXAMPLE", vec!["K6", "K5", "K3", "K2", "K1"]),
        ("zurich", vec!["K3"]),
        ("e@ex", vec!["K1"]),
        ("Ann.Lee@Example.com", vec!["K1"]),
        ("nobody", vec![]),
    ];
    for (query, expected) in cases {
        let got = contacts(app, &token, json!({ "query": query })).await;
        assert_eq!(got, expected, "contacts query {query:?}");
    }
}

async fn contacts_query_matches_phone_digits(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // Phone digits: K1 15550102000, K2 442079460958, K4 5550199, K5 00441614960000.
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("555", vec!["K4", "K1"]),
        ("5550102000", vec!["K1"]),
        ("(555) 010", vec!["K1"]),
        ("+1 555 010 2000", vec!["K1"]),
        ("555 0199", vec!["K4"]),
        ("555.0199", vec!["K4"]),
        ("+44 20", vec!["K2"]),
        ("0044", vec!["K5"]),
        // K1 by phone, K5 by email (contact2000@...).
        ("2000", vec!["K5", "K1"]),
        ("9999", vec![]),
        // No digit in the query: phones are not compared ("+" is in K1's and K2's phones).
        ("+", vec![]),
        ("()", vec![]),
    ];
    for (query, expected) in cases {
        let got = contacts(app, &token, json!({ "query": query })).await;
        assert_eq!(got, expected, "contacts query {query:?}");
    }
}

async fn contacts_query_combines_with_other_fields_and_stays_in_the_company(app: &TestApp) {
    fx::load(app.conn()).await;
    let alpha = app.reader(ALPHA);
    let cases = vec![
        (
            json!({ "query": "ann", "lastName": "lee" }),
            vec!["K6", "K1"],
        ),
        (
            json!({ "query": "lee", "not": { "firstName": "ann" } }),
            vec!["K5", "K4"],
        ),
        (
            json!({ "or": [{ "query": "zurich" }, { "query": "0044" }] }),
            vec!["K5", "K3"],
        ),
        (json!({ "query": "ann", "phoneNumber": "555" }), vec!["K1"]),
    ];
    for (filter, expected) in cases {
        let got = contacts(app, &alpha, filter.clone()).await;
        assert_eq!(got, expected, "contacts filter {filter}");
    }
    // Beta's Ann Lee is only Beta's.
    let beta = app.reader(BETA);
    assert_eq!(
        contacts(app, &beta, json!({ "query": "Ann Lee" })).await,
        ["BK1"]
    );
    assert_eq!(
        contacts(app, &beta, json!({ "query": "5550102000" })).await,
        ["BK1"]
    );
    assert_eq!(
        contacts(app, &beta, json!({ "query": "zurich" })).await,
        Vec::<String>::new()
    );
}

// ---------------------------------------------------------------------------------------
// Signature
// ---------------------------------------------------------------------------------------

const INTROSPECT_TYPE: &str = r#"
query ($name: String!) {
  __type(name: $name) {
    fields { name type { ...T } args { name defaultValue type { ...T } } }
    inputFields { name defaultValue type { ...T } }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
"#;

/// An introspected type reference in SDL form: "[Highlight!]!".
fn render(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", render(&t["ofType"])),
        Some("LIST") => format!("[{}]", render(&t["ofType"])),
        _ => t["name"]
            .as_str()
            .unwrap_or_else(|| panic!("no type name in {t}"))
            .to_owned(),
    }
}

/// An expected (name, type, default value).
type Member = (&'static str, &'static str, Option<&'static str>);

/// (name, type, default value) of a list of introspected fields, args or input fields,
/// sorted by name.
fn members(list: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                render(&m["type"]),
                m["defaultValue"].as_str().map(str::to_owned),
            )
        })
        .collect();
    out.sort();
    out
}

fn expected_members(list: &[Member]) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|(n, t, d)| (n.to_string(), t.to_string(), d.map(str::to_owned)))
        .collect();
    out.sort();
    out
}

async fn the_schema_has_the_contract_signatures(app: &TestApp) {
    let token = app.reader(ALPHA);
    let introspect = |name: &'static str| {
        let token = token.clone();
        async move {
            let data = app
                .data(&token, INTROSPECT_TYPE, json!({ "name": name }))
                .await;
            data["__type"].clone()
        }
    };

    let query = introspect("Query").await;
    let field = query["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "searchMessages")
        .unwrap_or_else(|| panic!("no Query.searchMessages"))
        .clone();
    // Every difference is collected, then reported at once.
    let mut problems: Vec<String> = Vec::new();
    let mut compare = |what: &str, got: String, expected: String| {
        if got != expected {
            problems.push(format!(
                "{what}:\n   got      {got}\n   expected {expected}"
            ));
        }
    };
    compare(
        "searchMessages type",
        render(&field["type"]),
        "MessageSearchConnection!".to_owned(),
    );
    compare(
        "searchMessages(query: String!, first: Int = 10, after: String, filter: MessageSearchFilter)",
        format!("{:?}", members(&field["args"])),
        format!(
            "{:?}",
            expected_members(&[
                ("query", "String!", None),
                ("first", "Int", Some("10")),
                ("after", "String", None),
                ("filter", "MessageSearchFilter", None),
            ])
        ),
    );

    let cases: [(&str, &str, &[Member]); 5] = [
        (
            "MessageSearchFilter",
            "inputFields",
            &[
                ("conversationId", "ID", None),
                ("contactId", "ID", None),
                ("inboxId", "ID", None),
                ("channel", "ConversationChannel", None),
                ("direction", "ConversationDirection", None),
                ("sentAt", "ConversationsDateTimeRange", None),
            ],
        ),
        (
            "MessageSearchConnection",
            "fields",
            &[
                ("edges", "[MessageSearchEdge]!", None),
                ("nodes", "[MessageSearchHit]!", None),
                ("pageInfo", "PageInfo!", None),
                ("totalCount", "Int!", None),
            ],
        ),
        (
            "MessageSearchEdge",
            "fields",
            &[
                ("cursor", "String!", None),
                ("node", "MessageSearchHit", None),
            ],
        ),
        (
            "MessageSearchHit",
            "fields",
            &[
                ("id", "ID!", None),
                ("message", "Message!", None),
                ("snippet", "String!", None),
                ("highlights", "[MessageSearchHighlight!]!", None),
            ],
        ),
        (
            "MessageSearchHighlight",
            "fields",
            &[
                ("id", "ID!", None),
                ("start", "Int!", None),
                ("length", "Int!", None),
            ],
        ),
    ];
    for (name, list, expected) in cases {
        let t = introspect(name).await;
        assert!(!t.is_null(), "no type {name}");
        let got: Vec<_> = members(&t[list])
            .into_iter()
            .map(|(n, ty, d)| (n, ty, if list == "fields" { None } else { d }))
            .collect();
        compare(
            name,
            format!("{got:?}"),
            format!("{:?}", expected_members(expected)),
        );
    }

    let filter = introspect("ContactFilter").await;
    let query_field: Vec<_> = members(&filter["inputFields"])
        .into_iter()
        .filter(|(n, ..)| n == "query")
        .collect();
    compare(
        "ContactFilter.query",
        format!("{query_field:?}"),
        format!("{:?}", expected_members(&[("query", "String", None)])),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

both_backends!(
    matching_is_case_insensitive_for_ascii_and_unicode,
    accents_are_not_folded,
    percent_underscore_and_backslash_are_literal,
    the_query_is_a_substring_not_words,
    the_query_is_not_trimmed,
    one_and_two_character_queries,
    short_messages_are_whole_snippets_with_character_offsets,
    long_messages_are_cut_around_the_first_match,
    highlights_mark_every_non_overlapping_occurrence,
    hits_are_newest_first_then_by_larger_id,
    paging_through_more_than_fifty_hits,
    first_defaults_to_ten,
    a_page_size_above_fifty_is_rejected,
    a_cursor_from_another_list_is_rejected,
    total_count_covers_all_pages_with_and_without_filters,
    a_filtered_search_pages_with_its_own_total,
    filter_by_conversation_contact_and_inbox,
    filter_by_channel_is_the_messages_effective_channel,
    filter_by_direction_and_sent_at_range,
    filter_fields_combine_with_and,
    a_malformed_id_in_the_filter_is_bad_user_input,
    hits_resolve_the_message_conversation_and_contact,
    only_the_token_companys_messages_are_searched,
    searching_needs_the_read_scope,
    empty_blank_and_over_long_queries_are_rejected,
    queries_of_up_to_200_characters_are_accepted,
    created_messages_appear_and_deleted_ones_disappear,
    a_new_hit_ahead_of_the_cursor_does_not_shift_the_next_page,
    contacts_query_matches_name_surname_full_name_and_email,
    contacts_query_matches_phone_digits,
    contacts_query_combines_with_other_fields_and_stays_in_the_company,
    the_schema_has_the_contract_signatures,
);
