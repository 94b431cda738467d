/* Search ranking for the book (html_search_scorer).
 *
 * Sphinx scores words, not titles: a query for "Distill" ranked the glossary's
 * "distillation" above the resource entry titled "Distill". Here a result whose own
 * heading equals the query comes first, one whose heading starts with or contains it
 * next, and the glossary page first for a query that is one of its terms; among
 * equals, posts come before reference pages.
 */
var Scorer = {
  score: (result) => {
    const [docName, title, anchor, descr, score] = result;
    const query = (new URLSearchParams(window.location.search).get("q") || "").trim().toLowerCase();
    const heading = String(title).split(" > ").pop().toLowerCase();
    let boost = 0;
    if (query) {
      if (heading === query) boost = 100;
      else if (heading.startsWith(query)) boost = 50;
      else if (heading.includes(query)) boost = 20;
    }
    // A glossary term's entry: the glossary extension publishes the list of terms.
    const glossary = typeof BOOK_GLOSSARY === "undefined" ? { terms: [], docs: [] } : BOOK_GLOSSARY;
    if (glossary.docs.includes(String(docName)) && glossary.terms.includes(query)) boost = Math.max(boost, 100);
    if (String(docName).startsWith("generated/posts/")) boost += 5;
    return score + boost;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
