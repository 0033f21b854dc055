"""The public credit commitment (信用承诺书) a producer signs with a repair application.

The signed text and its version are stored with the application (RepairChecklist), so what
was agreed stays on record when the wording changes later.
"""

COMMITMENT_VERSION = "2026-1"

COMMITMENT_TITLE = "信用修复承诺书"

COMMITMENT_CLAUSES = (
    "本主体已全面履行行政处罚决定或黑名单认定所规定的义务，按期足额缴纳罚款和没收的违法所得，"
    "并已按监管部门要求完成整改。",
    "本次申请所填报的情况和上传的证明材料真实、准确、完整，不存在虚假、隐瞒或伪造。",
    "今后严格遵守《中华人民共和国农产品质量安全法》等法律法规，不使用禁用农药兽药、停用兽药和"
    "非法添加物，严格执行农药兽药安全间隔期、休药期规定，确保常规农药兽药残留不超标。",
    "如实建立和保存农产品生产记录，按规定开具承诺达标合格证，不虚假开证、不冒用他人名义开证。",
    "主动接受农业农村部门和社会公众的监督，配合监督检查和抽样检测。",
    "本承诺书将在农安信用门户公开。如违反承诺，自愿接受撤销信用修复、重新公示失信信息、"
    "依法从重处理等后果，并承担相应法律责任。",
)


def commitment_text(producer_name: str) -> str:
    lines = [COMMITMENT_TITLE, f"承诺主体：{producer_name}"]
    lines += [f"{i}. {clause}" for i, clause in enumerate(COMMITMENT_CLAUSES, start=1)]
    return "\n".join(lines)
