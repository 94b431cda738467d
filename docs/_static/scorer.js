/* Search ranking for the book (html_search_scorer).
 *
 * Sphinx scores words, not titles: a query for "Distill" ranked the glossary's
 * "distillation" above the resource entry titled "Distill". Here a result whose own
 * heading equals the query comes first, one whose heading starts with or contains it
 * next, and the glossary page first for a query that is one of its terms; among
 * equals, posts come before reference pages, and pages that list or repeat posts (the
 * landing page, parts, tags, archive, resource categories) come after the posts.
 *
 * The snippet under each result is the post's own text: Sphinx takes the text of the
 * page's whole main area, which begins with the theme's buttons ("System Settings Light
 * Dark") and the post's meta line; here it is the article, without what is marked
 * no-search (the meta line, a chapter's closing sections, glossary tooltips).
 */
// Pages that repeat the chapters' titles, summaries or citations: below the chapters.
const LISTING_PAGES = ["index", "generated/tags", "generated/archive"];
const LISTING_FOLDERS = ["generated/parts/", "generated/resources/"];
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
    const doc = String(docName);
    if (doc.startsWith("generated/posts/")) boost += 5;
    if (LISTING_PAGES.includes(doc) || LISTING_FOLDERS.some((folder) => doc.startsWith(folder))) boost -= 10;
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

// This file is loaded after searchtools.js (inside language_data.js): Search exists.
if (typeof Search !== "undefined") {
  const sphinxHtmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const article = page.querySelector('[role="main"] article') || page.querySelector("article");
    if (!article) return sphinxHtmlToText(htmlString, anchor);
    for (const hidden of [".headerlink", "script", "style", ".no-search"]) {
      article.querySelectorAll(hidden).forEach((element) => element.remove());
    }
    if (anchor) {
      try {
        const part = article.querySelector(anchor);
        if (part) return part.textContent;
      } catch (error) {
        // An anchor that is no CSS selector ("#1-intro"): the whole article.
      }
    }
    return article.textContent;
  };
}
