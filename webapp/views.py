"""HTML pages: the search page and the article page.

Views are thin: parse the URL into a SearchRequest, call the service, build
the page model (:mod:`webapp.pages`), render. Errors are raised and turned
into pages by :mod:`webapp.errors`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, current_app, render_template, url_for
from flask import request as flask_request

from indexer.errors import SearchBudgetError, SearchRequestError
from webapp import analysis, api, batch, citable, compare, feeds, params
from webapp.backend import get_service
from webapp.links import Routes, entity_path
from webapp.pages import article_page_model, overview_model, search_page_model

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)


def routes() -> Routes:
    """Paths of the current app, respecting any mount prefix."""
    return Routes(
        search=url_for("pages.search"),
        api_search=url_for("api.search"),
        export_csv=url_for("api.export_csv"),
        export_jsonl=url_for("api.export_jsonl"),
        article=lambda article_id: url_for("pages.article", article_id=article_id),
        api_article=lambda article_id: url_for("api.article", article_id=article_id),
        significant=url_for("analysis.significant_page"),
        entity=lambda facet, value: entity_path(facet, value, flask_request.script_root),
        feed=url_for("feeds.search"),
        compare=url_for("compare.page"),
    )


@bp.get("/")
def search() -> str:
    """The search page; an empty search shows the newest articles and the corpus overview."""
    request = params.search_request()
    service = get_service()
    model = search_page_model(service.search(request), routes())
    overview = overview_model(service.stats(), routes()) if model["default_view"] else None
    return render_template("search.html", page=model, overview=overview, form=model["form"])


@bp.get("/articles/<article_id>")
def article(article_id: str) -> str:
    """One article, with the terms of ``?q=`` highlighted and similar articles."""
    params.check_article_id(article_id)
    q = params.article_query()
    service = get_service()
    try:
        view = service.article(article_id, q)
    except SearchRequestError:
        # A q the parser rejects only loses the highlighting, not the article.
        q = ""
        view = service.article(article_id)
    if view is None:
        abort(404, description="There is no article with this id.")
    try:
        similar = service.similar(article_id, current_app.config["SIMILAR_LIMIT"])
    except SearchBudgetError:
        log.warning("similar articles of %s over budget", article_id)
        similar = ()
    model = article_page_model(view, similar, q, routes())
    model["citation"] = citable.citation(model, model["display_date"])
    return render_template("article.html", article=model, form={"q": q})


def thousands(number: int) -> str:
    """Template filter: ``1234`` -> ``1,234``."""
    return f"{number:,}"


def init_app(app: Flask) -> None:
    """Register the page and API blueprints and the template filters."""
    # Tidy output: block tags leave no blank lines (autoescaping stays on).
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(thousands)
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(analysis.bp)
    # Issue 14: comparisons over time, Atom feeds, batch search.
    app.register_blueprint(compare.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(batch.bp)
