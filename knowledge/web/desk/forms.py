"""The desk's article form: the fields a DSE edits, files to add and to take off; the
service validates and saves."""

from django import forms

from itsm.models import Asset, Service
from itsm.web.forms import agents
from knowledge.models import Article, ArticleAttachment
from tickets.models import Category
from tickets.web.portal.forms import accept_uploads, files_field


class ArticleForm(forms.ModelForm):
    asset_kinds = forms.MultipleChoiceField(
        choices=Asset.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Asset kinds", help_text="The kinds of asset this applies to, if any.")
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Leave empty if it applies to any.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    files = files_field()
    remove = forms.ModelMultipleChoiceField(
        queryset=ArticleAttachment.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Remove files",
        help_text="Older versions keep them; restoring one brings them back.")

    class Meta:
        model = Article
        fields = ["title", "symptoms", "cause", "resolution", "audience", "confidence",
                  "category", "services", "asset_kinds", "owner", "review_at"]
        widgets = {
            "symptoms": forms.Textarea(attrs={"rows": 4}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 6}),
            "review_at": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"review_at": "Review on", "resolution": "Resolution or workaround"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["owner"].queryset = agents()
        self.fields["files"].label = "Add files"
        self.fields["files"].help_text = ("Screenshots, scripts or documents, shown with "
                                          "the article to whoever may read it.")
        accept_uploads(self.fields["files"])
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["remove"].queryset = ArticleAttachment.objects.filter(
                article=self.instance, removed_at__isnull=True)
        else:
            del self.fields["remove"]
