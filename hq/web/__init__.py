"""Headquarters' web pages for people (the online self-query and the 12333 hotline console).

`hq.web.security` signs sessions and CSRF tokens and sets the security headers, `hq.web.i18n`
holds the pages' messages in zh, en and es, `hq.web.pages` renders plain server-side HTML;
`hq.web.selfquery` is the citizen's online self-query mounted under /selfquery, `hq.web.hotline`
the 12333 hotline agents' console under /hotline.
"""
