"""Administrative documents (Decree 30/2020/NĐ-CP metadata) and their immutable versions.

A document knows nothing of meetings: meetings attach documents to agenda items, and
decide who may open them. What a document itself decides is confidentiality: papers
marked Mật or above open only for their named recipients.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Body


class DocumentType(models.TextChoices):
    SUBMISSION = "to_trinh", _("Submission")  # Tờ trình
    DRAFT_RESOLUTION = "du_thao_nghi_quyet", _("Draft resolution")
    DRAFT_DECREE = "du_thao_nghi_dinh", _("Draft decree")
    DRAFT_DECISION = "du_thao_quyet_dinh", _("Draft decision")
    REPORT = "bao_cao", _("Report")
    OFFICIAL_LETTER = "cong_van", _("Official letter")
    RESOLUTION = "nghi_quyet", _("Resolution")
    DECISION = "quyet_dinh", _("Decision")
    MINUTES = "bien_ban", _("Minutes")
    NOTICE = "thong_bao", _("Notice")
    OTHER = "khac", _("Other")


class Confidentiality(models.TextChoices):
    NORMAL = "thuong", _("Normal")
    CONFIDENTIAL = "mat", _("Confidential (Mật)")
    SECRET = "toi_mat", _("Secret (Tối mật)")
    TOP_SECRET = "tuyet_mat", _("Top secret (Tuyệt mật)")


class Urgency(models.TextChoices):
    NORMAL = "thuong", _("Normal")
    URGENT = "khan", _("Urgent (Khẩn)")
    VERY_URGENT = "thuong_khan", _("Very urgent (Thượng khẩn)")
    FLASH = "hoa_toc", _("Flash (Hỏa tốc)")


class Document(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="documents", verbose_name=_("body")
    )
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    number_symbol = models.CharField(_("number and symbol"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=500)  # trích yếu
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    issued_place = models.CharField(_("place"), max_length=100, blank=True)
    issued_date = models.DateField(_("date"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=20, choices=Confidentiality, default=Confidentiality.NORMAL
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency, default=Urgency.NORMAL)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="addressed_documents",
        verbose_name=_("named recipients"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = self.number_symbol or self.get_doc_type_display()
        return f"{label}: {self.summary}"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    def latest_version(self) -> "DocumentVersion | None":
        return self.versions.order_by("-number").first()


def version_upload_to(instance: "DocumentVersion", filename: str) -> str:
    # Named by content hash: the stored name says what the bytes must be.
    return f"documents/{instance.document_id}/v{instance.number}-{instance.sha256}.pdf"


def source_upload_to(instance: "DocumentVersion", filename: str) -> str:
    return f"documents/{instance.document_id}/v{instance.number}-{instance.source_sha256}.docx"


class DocumentVersion(models.Model):
    """One uploaded file. Never changed after it is stored; a new file is a new version."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_upload_to, max_length=300)
    original_filename = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    page_count = models.PositiveIntegerField(_("pages"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # A Word upload: `file` is the PDF that LibreOffice made for reading on tablets and
    # these keep the .docx as sent, checked against its own SHA-256 when served.
    source_file = models.FileField(
        _("source file"), upload_to=source_upload_to, max_length=300, null=True, blank=True
    )
    source_filename = models.CharField(_("source file name"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64, blank=True)
    source_content_type = models.CharField(_("source content type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} (v{self.number})"

    @property
    def has_source(self) -> bool:
        return bool(self.source_file)
