"""One typed settings object; every field documents itself for docs/settings.md."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from tongban.config.personal_data import PersonalDataSettings
from tongban.config.signin import SignInSettings

DEV_SECRET = "dev-only-secret-change-me"
MIN_SECRET_LENGTH = 32


class Settings(SignInSettings, PersonalDataSettings):
    """Settings read from environment variables prefixed ``TONGBAN_`` (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="TONGBAN_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="Deployment kind; production refuses development secrets."
    )
    database_url: str = Field(
        "sqlite:///var/tongban.sqlite3",
        description="SQLAlchemy URL: a SQLite file (embedded default) or postgresql+psycopg://…",
    )
    file_store_path: Path = Field(
        Path("var/files"), description="Folder where uploaded materials and result documents live."
    )
    secret_key: str = Field(
        DEV_SECRET,
        description="Secret for signing cookies and CSRF tokens; in production a random string of at least 32 characters.",
    )
    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    port: int = Field(8000, description="Port the web server listens on.")
    timezone: str = Field(
        "Asia/Shanghai",
        description="Local time zone: working-day deadlines, and every time shown on pages, PDFs and messages.",
    )
    office_hours: str = Field(
        "09:00-17:00",
        description="Office hours (HH:MM-HH:MM) on working days: items whose limits are in hours count them, and an on-site inspection (现场踏勘) is visited within them.",
    )
    max_upload_mb: int = Field(20, description="Largest accepted upload, in megabytes.")
    max_body_kb: int = Field(
        1024,
        ge=16,
        description="Largest request body other than an upload (JSON, forms), in kilobytes.",
    )
    material_reuse_months: int = Field(
        12,
        ge=0,
        le=120,
        description="How many months after its upload a file may be reused by a later case of the same applicant (材料复用) where the catalog declares no `reuse_months` for its material; 0: no file is reused unless its material declares how long.",
    )
    verification_working_days: int = Field(
        3,
        ge=1,
        le=60,
        description="Working days a department has to answer another's verification request (协查).",
    )
    rating_rectify_hours: int = Field(
        24,
        ge=1,
        le=720,
        description="Hours a department has to rectify a bad rating (好差评: score 2 or less).",
    )
    rating_rectify_working_days: int | None = Field(
        None,
        ge=1,
        le=60,
        description="Working days a department has to rectify a bad rating, for provinces that count them (e.g. 15); when set it replaces `rating_rectify_hours`.",
    )
    rating_invite_after_days: int = Field(
        3,
        ge=1,
        le=30,
        description="Days after a case ends without a rating before its applicant gets the one invitation to rate it (智能邀评).",
    )
    consultation_response_working_days: int = Field(
        1,
        ge=1,
        le=60,
        description="Working days a department has to answer a consultation (咨询) from the 12345 hotline or the online form; a local setting, as are the two below (common local 12345 rules: 1, 5 and 10).",
    )
    complaint_response_working_days: int = Field(
        5,
        ge=1,
        le=60,
        description="Working days a department has to answer a complaint (投诉), counted from its filing.",
    )
    suggestion_response_working_days: int = Field(
        10,
        ge=1,
        le=60,
        description="Working days a department has to answer a suggestion (建议), counted from its filing.",
    )
    smtp_host: str | None = Field(
        None,
        description="SMTP server that sends e-mail notifications; unset: no e-mail is sent (messages stay in the message centre, and SMS).",
    )
    smtp_port: int = Field(
        25, description="Port of the SMTP server (587 for STARTTLS, 465 for TLS)."
    )
    smtp_user: str | None = Field(
        None, description="User name at the SMTP server, if it asks for one."
    )
    smtp_password: str | None = Field(None, description="Password of `smtp_user`.")
    smtp_tls: Literal["none", "starttls", "ssl"] = Field(
        "none",
        description="How the SMTP connection is protected: none, starttls, or ssl (implicit TLS).",
    )
    smtp_timeout_seconds: float = Field(10.0, description="How long one SMTP exchange may take.")
    webhook_timeout_seconds: float = Field(
        5.0,
        description="How long a department system's webhook receiver may take to answer one delivery before it is retried.",
    )
    mail_from: str = Field(
        "通办 <noreply@tongban.localhost>", description="Sender of notification e-mails (From:)."
    )
    sms_provider: str = Field(
        "file",
        description="Where SMS notifications go: `file` (appended as JSON lines to `sms_file`), `console` (the log), or `module:Class` of a provider of your own (docs/notifications.md).",
    )
    sms_file: Path | None = Field(
        None,
        description="File the `file` SMS provider appends each message to; default: `sms.jsonl` beside the file store.",
    )
    notify_max_attempts: int = Field(
        6,
        ge=1,
        le=20,
        description="Attempts at sending one e-mail or SMS before it is marked failed and listed for operators (`/ops/messages`, `tongban notify failed`).",
    )
    notify_backoff_minutes: str = Field(
        "1,5,30,120,720",
        description="Minutes to wait before each retry of a failed e-mail or SMS, comma-separated; the last repeats.",
    )
    kiosk_idle_seconds: int = Field(
        90,
        ge=3,
        le=900,
        description="Seconds without a touch after which a self-service terminal (kiosk "
        "mode) ends any sign-in and returns to its start page.",
    )
    worker_interval_seconds: float = Field(
        30.0, description="How often the embedded worker looks for due jobs (deemed acceptance …)."
    )
    job_poll_seconds: float = Field(
        2.0, gt=0, description="How often a worker looks for due jobs in the job queue (seconds)."
    )
    job_lease_seconds: float = Field(
        120.0,
        gt=0,
        description="How long a worker's claim on a job lasts; a job whose worker died runs again after it (seconds).",
    )
    job_retention_days: float = Field(
        30.0,
        gt=0,
        description="Days a done job is kept before the worker's sweep deletes it (failed jobs stay until an operator acts).",
    )
    metrics_refresh_minutes: float = Field(
        10.0,
        gt=0,
        description="How often the worker rewrites today's and yesterday's reform figures (metric_days), in minutes; the day is closed just after local midnight as well.",
    )
    warning_share: float = Field(
        2 / 3,
        gt=0,
        lt=1,
        description="Share of a time limit after which the staff responsible get a warning (预警, yellow), e.g. 0.667.",
    )
    escalation_grace_working_days: int = Field(
        1,
        ge=0,
        le=30,
        description="Working days past a limit after which it is escalated to the department head and the supervisors (督办); 0: at once. For a limit in hours, 8 office hours per day.",
    )
    assistant_prepare_at_start: bool = Field(
        True,
        description="Prepare in background threads when the web server starts (neither start-up nor readiness waits): load the dictionaries a question is cut with (jieba, pypinyin, OpenCC: some 130 MB per process), build the guide assistant's index from the tokens the worker cut, and compute the catalog search's texts and pinyin spellings, so that the first question or search waits for none of them. Off: each is done on the first question or search that needs it.",
    )
    assistant_wait_seconds: float = Field(
        2.0,
        ge=0,
        le=60,
        description="Seconds a question to the guide assistant waits for its index while it is being built (start-up, or a catalog change) and for the dictionaries while they load (start-up, or the first question when they are not prepared at start-up); past them the asker is told to ask again in a moment.",
    )
    assistant_questions_per_source_per_day: int = Field(
        20,
        ge=1,
        description="New questions the guide assistant could not answer that one network address may add per day (UTC) to the catalog administrators' list (every ask of a question already on it is counted, from any address); past them its new questions are still answered but not added, so that one source cannot flood the list with rows.",
    )
    assistant_questions_per_terminal_per_day: int = Field(
        400,
        ge=1,
        description="The same for a hall's registered self-service terminal (自助终端), which everyone in the hall asks from: counted per terminal instead of per address.",
    )
    embedded_worker: bool = Field(
        True, description="Run the background worker inside the web server (embedded default)."
    )
    default_locale: Literal["zh_Hans", "en"] = Field(
        "zh_Hans", description="Language of pages and messages when the user has not chosen one."
    )
    log_json: bool = Field(False, description="Write logs as JSON lines instead of console text.")
    public_url: str | None = Field(
        None,
        description="Address the public reaches the platform at (scheme, host and port: what a phone or a hall's kiosk opens); printed in the QR code of every e-licence and document, in messages' links and in kiosk set-up addresses. Unset: `http://{host}:{port}` of this server (as `tongban serve --host/--port` runs it), and the kiosk page of /ops/kiosk-terminals shows the address the operator opened it at.",
    )
    licence_signing: Literal["ed25519", "sm2"] = Field(
        "ed25519",
        description="Signature of e-licences: ed25519, or sm2 (SM2 with SM3, GB/T 32918, user ID 1234567812345678) for a deployment configured for 国密.",
    )
    licence_keys_path: Path | None = Field(
        None,
        description="Folder of the e-licence signing keys (one JSON file per key; old keys still verify); default: `keys` beside the file store. A missing key is created on first use.",
    )
    licence_key_id: str | None = Field(
        None,
        description="Id of the key that signs new e-licences; default: the newest key of the configured algorithm (`tongban licence rotate-key` makes one).",
    )
    pdf_key_id: str | None = Field(
        None,
        description="Id of the ECDSA P-256 key that signs the signature embedded in the PDFs the platform issues: e-licences, decisions and notices (PAdES, checked by PDF readers; the licence record keeps its Ed25519/SM2 signature); keys in `pdf` under the licence keys' folder, default: the newest (`tongban licence rotate-pdf-key` makes one, created on first use).",
    )
    licence_font: Path | None = Field(
        None,
        description="TrueType font (.ttf/.ttc) with Chinese glyphs embedded, as a subset, in e-licence PDFs; default: the one `make install` vendors, else Debian's fonts-wqy-microhei.",
    )
    risk_window_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Risk screening (风险筛查): how far back, in days, a received case's phone, addresses and uploaded files are compared with other applicants' cases.",
    )
    risk_contact_subjects: int = Field(
        3,
        ge=1,
        description="Risk screening: a case is flagged when its phone or an address was given in the cases of at least this many other applicants (credit code or resident ID) within `risk_window_days`.",
    )
    risk_refusals: int = Field(
        1,
        ge=1,
        description="Risk screening: a case is flagged when its applicant was refused (不予许可) or rejected (不予受理) this many times or more for the same item within `risk_refusal_window_days`.",
    )
    risk_refusal_window_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Risk screening: the days back in which earlier refusals of the same item count.",
    )
    risk_file_subjects: int = Field(
        1,
        ge=1,
        description="Risk screening: a case is flagged when a file it uploaded (the same SHA-256) was uploaded in the cases of at least this many other, unrelated applicants within `risk_window_days`.",
    )
    payment_provider: str = Field(
        "sandbox",
        description="Payment provider (支付渠道) of new payment orders: `sandbox` (the default, behaves like a real gateway: pay page, signed asynchronous notifications, queries, refunds, statements), or the name a plugged-in provider registers (docs/payments.md).",
    )
    payment_order_hours: int = Field(
        72,
        ge=1,
        le=24 * 30,
        description="Hours a payment order (缴款通知) stays payable; then it expires and the applicant can make a new one.",
    )
    payment_query_after_minutes: int = Field(
        10,
        ge=1,
        description="Minutes after which the worker asks the provider about an order still unpaid on the platform (查单: the notification may be lost).",
    )

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        weak = self.secret_key == DEV_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH
        if self.environment == "production" and weak:
            raise ValueError(
                f"生产环境须把 TONGBAN_SECRET_KEY 设为至少 {MIN_SECRET_LENGTH} 个字符的随机密钥 / "
                f"TONGBAN_SECRET_KEY must be a random secret of at least {MIN_SECRET_LENGTH} "
                "characters in production: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'"
            )
        if self.environment == "production" and not (self.data_key or self.data_key_file):
            raise ValueError(
                "生产环境须设置 TONGBAN_DATA_KEY（或 TONGBAN_DATA_KEY_FILE）/ TONGBAN_DATA_KEY "
                "(or TONGBAN_DATA_KEY_FILE) must hold the master key of personal data in production"
            )
        if self.environment == "production" and not self.lookup_key:
            raise ValueError(
                "生产环境须设置 TONGBAN_LOOKUP_KEY / TONGBAN_LOOKUP_KEY must be set in production"
            )
        if self.environment == "production" and self.password_hashing != "recommended":
            raise ValueError(
                "生产环境的 TONGBAN_PASSWORD_HASHING 须为 recommended / TONGBAN_PASSWORD_HASHING "
                "must be recommended in production (test-only-fast is for the test suite)"
            )
        return self

    @property
    def warning_percent(self) -> int:
        """``warning_share`` as the whole percent the pages state (67 for 2/3)."""
        return round(self.warning_share * 100)

    @property
    def public_address(self) -> str:
        """``public_url`` without a trailing slash, or this server's own address."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def sms_path(self) -> Path:
        """Where the ``file`` SMS provider writes."""
        return self.sms_file or self.file_store_path.parent / "sms.jsonl"

    @property
    def keys_folder(self) -> Path:
        """Where the e-licence signing keys live."""
        return self.licence_keys_path or self.file_store_path.parent / "keys"

    @property
    def pdf_keys_folder(self) -> Path:
        """Where the keys of the signatures embedded in issued PDFs (licences, decisions, notices) live."""
        return self.keys_folder / "pdf"


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached)."""
    return Settings()


def settings_markdown() -> str:
    """The settings reference (docs/settings.md), generated from the field descriptions."""
    lines = [
        "# Settings",
        "",
        "Environment variables (or a `.env` file in the working directory). Generated from",
        "`tongban.config.Settings` by `tongban settings`; do not edit by hand.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default if field.default is not None else ""
        lines.append(f"| `TONGBAN_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(lines) + "\n"
