"""Knowledge pages: the help centre at /help/ (with the portal form's suggestions), the
desk's articles under /desk/kb/."""

from django.urls import path

from knowledge.web import files
from knowledge.web.desk import views as desk
from knowledge.web.help import views as help_centre
from knowledge.web.portal import views as portal

app_name = "knowledge"

kb = "desk/kb/"
urlpatterns = [
    path("help/", help_centre.home, name="help"),
    path("help/articles/<int:pk>/", help_centre.article, name="help_article"),
    path("help/articles/<int:pk>/feedback/", help_centre.feedback, name="help_feedback"),
    path("help/files/<int:pk>/", files.download, name="file"),
    path("help/suggest/", portal.suggest, name="portal_suggest"),
    path("help/suggest/<int:pk>/", portal.suggest_article, name="portal_suggest_article"),
    path("help/suggest/filings/<int:pk>/solved/", portal.solved, name="portal_solved"),
    path(kb, desk.articles, name="desk_articles"),
    path(f"{kb}new/", desk.article_new, name="desk_article_new"),
    path(f"{kb}<int:pk>/", desk.article_detail, name="desk_article"),
    path(f"{kb}<int:pk>/edit/", desk.article_edit, name="desk_article_edit"),
    path(f"{kb}<int:pk>/versions/<int:number>/", desk.version_detail, name="desk_version"),
    path(f"{kb}<int:pk>/versions/<int:number>/restore/", desk.version_restore,
         name="desk_version_restore"),
    path(f"{kb}from-ticket/<str:ref>/", desk.article_from_ticket, name="desk_from_ticket"),
    path(f"{kb}<int:pk>/link/<str:ref>/", desk.article_link, name="desk_link"),
    path(f"{kb}suggest/<str:ref>/", desk.ticket_suggestions, name="desk_ticket_suggestions"),
]
