"""The knowledge rows of tests/test_role_matrix.py, and the objects its URLs need.

tests/test_role_matrix.py adds them with:

    from tests.knowledge.role_rules import knowledge_rules, knowledge_world
    RULES.update(knowledge_rules(Rule, who, LOGIN, OK))
    # in the `world` fixture:
    "pk": {..., **knowledge_world(dee=dee, alice=alice)}

The article every <pk> URL is tried on is public and validated, so reading it is allowed to
everyone and each row shows what the role may do with it.
"""


def knowledge_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    public = who(200, 200, 200, 200, 200)
    staff_page = who(LOGIN, 403, 403, 200, 200)
    agent_form = who(LOGIN, 403, 403, 200, 403)
    agent_post = who(LOGIN, 403, 403, OK, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    api_write = who(401, 403, 403, 400, 403)
    return {
        "knowledge:help": Rule(get=public),
        "knowledge:help_article": Rule(get=public),
        "knowledge:help_feedback": Rule(get=post_only, post=who(LOGIN, OK, OK, OK, OK)),
        "knowledge:desk_articles": Rule(get=staff_page),
        "knowledge:desk_article": Rule(get=staff_page),
        "knowledge:desk_version": Rule(get=staff_page),
        "knowledge:desk_article_new": Rule(get=agent_form, post=agent_post),
        "knowledge:desk_article_edit": Rule(get=agent_form, post=agent_post),
        "knowledge:desk_version_restore": Rule(get=post_only, post=agent_post),
        "knowledge:desk_from_ticket": Rule(get=post_only, post=agent_post),
        "knowledge:desk_link": Rule(get=post_only, post=agent_post),
        "knowledge:desk_ticket_suggestions": Rule(get=staff_page),
        "knowledge:portal_suggest": Rule(get=who(LOGIN, 200, 200, 200, 200)),
        "knowledge:portal_suggest_article": Rule(get=who(LOGIN, 200, 200, 200, 200)),
        # The sample filing is alice's: to the others it does not exist. The matrix names no
        # article, which is a 400 for her (tests/knowledge/web/test_portal.py ends it).
        "knowledge:portal_solved": Rule(get=post_only, post=who(LOGIN, 400, 404, 404, 404)),
        "api-kb-article-list": Rule(get=public, post=api_write, api=True),
        "api-kb-article-detail": Rule(get=public, post=who(401, 403, 403, 405, 403), api=True),
        "api-kb-article-versions": Rule(get=who(401, 403, 403, 200, 403), api=True),
        # DRF refuses a method an action does not offer before it checks who asks.
        "api-kb-article-restore": Rule(get=who(405, 405, 405, 405, 405), post=api_write,
                                       api=True),
        "api-kb-article-feedback": Rule(get=who(405, 405, 405, 405, 405),
                                        post=who(401, 400, 400, 400, 400), api=True),
        "api-kb-article-links": Rule(get=public, post=api_write, api=True),
        "knowledge:file": Rule(get=public, post=who(405, 405, 405, 405, 405)),
        # The matrix sends no file: a 400 for a DSE, who may upload.
        "api-kb-article-attachments": Rule(get=public, post=api_write, api=True),
        # DELETE only (tests/knowledge/api/test_attachments.py tries who may); a change
        # is refused to those who may not write before the method is.
        "api-kb-article-attachment": Rule(get=who(405, 405, 405, 405, 405),
                                          post=who(401, 403, 403, 405, 403), api=True),
        "api-kb-suggest-list": Rule(get=who(400, 400, 400, 400, 400), api=True),
        "api-kb-search-list": Rule(get=who(400, 400, 400, 400, 400), api=True),
    }


def knowledge_world(*, dee, alice) -> dict[str, int]:
    """pk of the article each knowledge URL with a <pk> is tried on (its version is 1), of
    its file, and of a filing of `alice`'s that showed it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from knowledge import services
    from knowledge.models import Article, Audience, Confidence

    article = services.article_create(actor=dee, article=Article(
        title="Role matrix article", resolution="Restart it.", audience=Audience.PUBLIC,
        confidence=Confidence.VALIDATED), files=[SimpleUploadedFile("fix.txt", b"Restart")])
    names = ("help_article", "help_feedback", "desk_article", "desk_article_edit",
             "desk_version", "desk_version_restore", "desk_link", "portal_suggest_article")
    api = ("detail", "versions", "restore", "feedback", "links", "attachments", "attachment")
    filing = services.deflection_record(user=alice, query="role matrix", shown=[article.pk])
    return {"knowledge:portal_solved": filing.pk,
            "knowledge:file": article.attachments.get().pk,
            **{f"knowledge:{n}": article.pk for n in names},
            **{f"api-kb-article-{n}": article.pk for n in api}}
