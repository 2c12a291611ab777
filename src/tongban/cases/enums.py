"""States and kinds of cases, tasks, clocks and pauses."""

from enum import StrEnum


class CaseState(StrEnum):
    draft = "draft"
    submitted = "submitted"  # received, waiting for acceptance (受理)
    correction_requested = "correction_requested"  # 补正, one notice, clock paused
    in_review = "in_review"  # accepted; departments review in parallel (并联审查)
    in_decision = "in_decision"  # 核准 / 决定
    issuing = "issuing"  # 制证
    delivering = "delivering"  # 送达
    completed = "completed"
    rejected = "rejected"  # 不予受理
    refused = "refused"  # 不予许可
    withdrawn = "withdrawn"  # 撤回
    terminated = "terminated"  # 终止办理: a deficiency (容缺) not supplied in time


FINAL_STATES = frozenset(
    {
        CaseState.completed,
        CaseState.rejected,
        CaseState.refused,
        CaseState.withdrawn,
        CaseState.terminated,
    }
)


class Stage(StrEnum):
    accept = "accept"  # 受理
    review = "review"  # 审查
    decide = "decide"  # 核准
    issue = "issue"  # 制证
    deliver = "deliver"  # 送达


class TaskState(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class TaskOutcome(StrEnum):
    approved = "approved"
    refused = "refused"


class JoinRule(StrEnum):
    """What a refusal in parallel review does to the round."""

    end_round = "end_round"  # the round ends at once; open tasks are cancelled
    wait_all = "wait_all"  # every department still gives its opinion


class RoundOutcome(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class ClockKind(StrEnum):
    stage = "stage"  # one task's stage limit
    promised = "promised"  # the whole case against the promised limit (承诺时限)
    legal = "legal"  # the whole case against the legal limit (法定时限)
    acceptance = "acceptance"  # art. 32: correction notice or acceptance within 5 working days


class PauseReason(StrEnum):
    """Why the clock stops (行政许可法 art. 45, and the correction notice)."""

    correction = "correction"  # 补正
    hearing = "hearing"  # 听证
    inspection = "inspection"  # 现场核查 / 检验
    testing = "testing"  # 检测 / 检疫
    expert_review = "expert_review"  # 专家评审


class TrustLevel(StrEnum):
    """How far a material can be trusted, after the national technical guide on e-licences
    and materials (全国一体化政务服务平台 电子证照/材料 技术指南): A highest."""

    a = "A"  # issued by the platform and sealed, or pulled from an authoritative source
    b = "B"  # checked against the original by a clerk (已核验原件)
    c = "C"  # uploaded by the applicant
    d = "D"  # declared by the applicant under commitment (signed online)


class Channel(StrEnum):
    """Where a case was applied for (办事渠道): every channel makes the same case
    (同源, 无差别受理); the dashboard splits its figures by this."""

    web = "web"  # 网上办事大厅 (PC)
    mobile = "mobile"  # 移动端网页
    window = "window"  # 窗口代办
    kiosk = "kiosk"  # 自助终端
    api = "api"  # 部门系统或第三方接口
    agent = "agent"  # 受托人代办 (帮办代办: family, village service point, enterprise agent)
    proactive = "proactive"  # 免申即享: opened by the platform, no application


CHANNEL_NAMES_ZH = {
    Channel.web: "网上办事大厅",
    Channel.mobile: "移动端",
    Channel.window: "窗口",
    Channel.kiosk: "自助终端",
    Channel.api: "接口",
    Channel.agent: "受托人代办",
    Channel.proactive: "免申即享",
}
