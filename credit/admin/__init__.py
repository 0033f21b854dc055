"""The credit admin (信用管理): Wagtail viewsets and custom views.

Region scope (credit.services.scope) is enforced on the server for every view:

* listings and their CSV/XLSX exports start from the viewset's `get_queryset(request)`,
  which is the model's queryset narrowed to the user's region;
* single-object views (inspect, edit, delete, history, and the custom actions) look the
  object up in that same queryset and check it again with `ensure_in_scope`, so an
  object outside the region is a 404 whatever the URL;
* create/edit forms offer only producers and regions in scope (credit.admin.forms);
* the permission policies deny everything to staff without an officer region, deny
  change/delete on append-only facts and read-only models, and reserve the scoring
  policy and officer profiles for superusers.

Modules: policies (scope, permission policy), base (generic views, viewset base),
producers and integrity (诚信档案), facts and fact_viewsets, readonly, reviews, superuser,
imports (数据导入), forms, filters, and menu (the group credit.wagtail_hooks registers).

django.contrib.admin's autodiscovery imports this package at startup: it must define
nothing and import nothing, so that the Wagtail views load only through wagtail_hooks.
"""
