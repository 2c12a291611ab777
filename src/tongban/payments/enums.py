"""States of payment orders, refunds, the sandbox's trades and result delivery."""

from enum import StrEnum


class PaymentWhen(StrEnum):
    """When an item's fees are paid (the catalog's ``payment.when``)."""

    before_acceptance = "before_acceptance"  # 受理前缴费: the case waits unaccepted
    before_issue = "before_issue"  # 制证前缴费: the result waits after the decision


class OrderState(StrEnum):
    pending = "pending"  # 待缴费: the payment notice is out
    paid = "paid"  # 已缴费
    expired = "expired"  # 已过期: not paid in time (a new order may be made)
    cancelled = "cancelled"  # 已取消: the case ended before payment
    refunded = "refunded"  # 已全额退款


class NotifyOutcome(StrEnum):
    """What became of one provider notification (回调)."""

    applied = "applied"  # changed the order
    duplicate = "duplicate"  # seen before: counted once
    late = "late"  # the order had expired or was cancelled: refunded and flagged
    mismatch = "mismatch"  # the amount differs from the order's: flagged, not applied


class RefundState(StrEnum):
    pending = "pending"
    succeeded = "succeeded"


class TradeState(StrEnum):
    """A trade in the sandbox provider's own books."""

    created = "created"
    paid = "paid"
    closed = "closed"


class CourierStatus(StrEnum):
    """Where a posted result is (the sandbox courier's status callbacks, 物流轨迹)."""

    collected = "collected"  # 已揽收
    in_transit = "in_transit"  # 运输中
    out_for_delivery = "out_for_delivery"  # 派送中
    delivered = "delivered"  # 已签收
    failed = "failed"  # 派送失败


COURIER_NAMES_ZH = {
    CourierStatus.collected: "已揽收",
    CourierStatus.in_transit: "运输中",
    CourierStatus.out_for_delivery: "派送中",
    CourierStatus.delivered: "已签收",
    CourierStatus.failed: "派送失败",
}

COURIER_NAMES_EN = {
    CourierStatus.collected: "Collected by the courier",
    CourierStatus.in_transit: "In transit",
    CourierStatus.out_for_delivery: "Out for delivery",
    CourierStatus.delivered: "Delivered",
    CourierStatus.failed: "Delivery failed",
}

ORDER_NAMES_ZH = {
    OrderState.pending: "待缴费",
    OrderState.paid: "已缴费",
    OrderState.expired: "已过期",
    OrderState.cancelled: "已取消",
    OrderState.refunded: "已退款",
}
