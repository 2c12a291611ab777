"""Request and response bodies of the accounts API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tongban.accounts.enums import Role, UserKind
from tongban.web.validation import shaped

USERNAME = shaped(
    r"^[A-Za-z0-9_.@-]+$",
    "英文字母、数字或“_ . @ -”，不含空格和汉字",
    "letters, digits or '_ . @ -', without spaces or Chinese characters",
)
EMAIL = shaped(
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "电子邮箱地址，如 name@example.cn",
    "an e-mail address such as name@example.cn",
)


class ApplicantCreate(BaseModel):
    """Self-registration of a natural person or of an enterprise's agent."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422

    kind: UserKind = Field(description="person or enterprise")
    username: str = Field(min_length=3, max_length=64, pattern=USERNAME)
    password: str = Field(min_length=8, max_length=128)
    display_name: str = Field(min_length=2, max_length=120, description="Name, or the agent's name")
    id_number: str = Field(
        max_length=40,
        description="Resident ID number of the person or of the agent (GB 11643); "
        "lower-case x, full-width characters and surrounding spaces are normalised",
    )
    credit_code: str | None = Field(
        None, max_length=40, description="Unified social credit code of the enterprise (GB 32100)"
    )
    enterprise_name: str | None = Field(None, max_length=200)
    phone: str | None = Field(
        None, max_length=40, description="Mobile number; full-width digits and spaces are read"
    )
    email: str | None = Field(None, max_length=254, pattern=EMAIL)


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    username: str = Field(min_length=2, max_length=64, pattern=USERNAME)
    password: str = Field(min_length=8, max_length=128)
    display_name: str = Field(min_length=2, max_length=120)
    department_code: str | None = None
    roles: list[Role] = Field(min_length=1)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    username: str = Field(max_length=64)
    password: str = Field(max_length=128)
    second_factor: str | None = Field(
        None,
        max_length=20,
        description="The 6-digit code of the account's authenticator, or a recovery code, "
        "for an account with a second factor (asked for with 401 second_factor_required)",
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128, description="Checked by the password profile")


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    kind: UserKind
    display_name: str
    department_code: str | None
    roles: list[Role]
    enterprise_name: str | None = None
    credit_code: str | None = None
