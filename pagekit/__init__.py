"""The page kit: what every Wagtail page type of the site is built from.

StreamField blocks, the listing and section-index base classes, the list filters, the
admin choosers for credit records and the bilingual vocabulary base.

Why a package of its own, below `cases` (DESIGN §3: credit ← pagekit ← cases ← portal):
`cases` publishes its pages with these pieces and `portal` builds all the others with
them, so they may live in neither (cases must not import portal) and they are not about
enforcement cases either, which rules out `cases` itself. The kit imports only `credit`
(regions, cases, product categories for its choosers and filters). What only the site
knows (who publishes: JSON-LD publisher, feed titles) it asks for through the Wagtail
hooks declared in `pagekit.hooks`, which `portal` registers.

It is a Django app (no concrete models, no migrations) so that its `wagtail_hooks`
registers the choosers wherever the kit is installed and its abstract models have a label.
"""
