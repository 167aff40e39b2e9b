"""Words of a collection call and a chat screenshot, for the search tests (tests/evidence, tests/browser)."""

# A collection call as Whisper writes it: one sentence per segment, punctuation where it falls.
CALL = [
    "喂，你好，请问是张伟先生吗？",
    "我是小米借贷的，你这个账单已经逾期三十七天了。",
    "我知道，我这个月工资还没发，下个月一定还。",
    "下个月？你上个月也是这么说的。",
    "今天下午五点之前必须把八千四百元还上。",
    "不然我们就爆通讯录，给你所有的联系人打电话。",
    "你不能这样，我的家人跟这个没有关系。",
    "有没有关系不是你说了算的，你妈的电话我们已经有了。",
    "我们的同事明天就上门，到你单位去找你领导。",
    "你们这是违法的，我要投诉你们。",
    "你去投诉啊，投诉有用吗？",
    "我们门店的人上个月就去过你老家了。",  # 上 and 门 apart: not 上门
    "爆了你的通讯录你就知道了。",  # 爆 and 通讯录 apart: not 爆通讯录
    "好，那我想办法筹钱。",
]
CHAT = ["小米借贷-催收部", "今天不还款，明天上门拜访你的家人", "已读", "你妈妈的电话是13812345678吧", "23:47"]
