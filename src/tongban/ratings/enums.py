"""Where a rating is given (评价渠道, the national 好差评 rules of 国办发〔2019〕51号:
online, at the hall, by SMS): kept with the rating, whatever channel its case came in by."""

from __future__ import annotations

from enum import StrEnum


class RatingChannel(StrEnum):
    """The channel a rating came through; the dashboard counts satisfaction by it."""

    web = "web"  # the case page on a computer
    mobile = "mobile"  # the case page on a phone or tablet
    kiosk = "kiosk"  # a hall's self-service terminal
    api = "api"  # a department's or third party's system
    window = "window"  # the window's rating pad (评价器), the clerk's second screen
    sms = "sms"  # the signed link in a text message
    email = "email"  # the signed link in an e-mail


RATING_CHANNEL_NAMES_ZH = {
    RatingChannel.web: "网上办事大厅",
    RatingChannel.mobile: "移动端",
    RatingChannel.kiosk: "自助终端",
    RatingChannel.api: "接口",
    RatingChannel.window: "窗口评价器",
    RatingChannel.sms: "短信",
    RatingChannel.email: "电子邮件",
}
