"""Vietnamese names and address parts the synthetic population is drawn from.

Family names carry rough national frequencies (percent); middle and given names are by sex.
Data only: the drawing happens in ``population.py`` with the seed's own generator.
"""

from __future__ import annotations

from itertools import accumulate

from lienthong.domain.personal_id import Sex

# Family names (họ) with rough national frequencies in percent.
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.0),
    ("Huỳnh", 2.1),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.7),
    ("Trương", 0.6),
    ("Lương", 0.4),
    ("Mai", 0.4),
    ("Trịnh", 0.4),
    ("Đào", 0.4),
    ("Lâm", 0.3),
    ("Cao", 0.3),
    ("Tạ", 0.2),
    ("Hà", 0.3),
)
FAMILY_NAME_VALUES: tuple[str, ...] = tuple(name for name, _ in FAMILY_NAMES)
FAMILY_NAME_CUM_WEIGHTS: tuple[float, ...] = tuple(accumulate(w for _, w in FAMILY_NAMES))

# Middle names (tên đệm) and given names (tên) by sex.
MIDDLE_NAMES: dict[Sex, tuple[str, ...]] = {
    Sex.MALE: ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Quốc", "Xuân"),
    Sex.FEMALE: ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Thùy", "Kim", "Hồng", "Bảo"),
}
GIVEN_NAMES: dict[Sex, tuple[str, ...]] = {
    Sex.MALE: (
        "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng",
        "Huy", "Khang", "Khánh", "Khoa", "Lâm", "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc",
        "Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Tiến", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
    ),
    Sex.FEMALE: (
        "An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền",
        "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Quỳnh", "Thảo",
        "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến",
    ),
}  # fmt: skip

STREETS: tuple[str, ...] = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Hùng Vương", "Lê Duẩn", "Nguyễn Huệ", "Điện Biên Phủ", "Phan Chu Trinh", "Võ Thị Sáu",
    "Bà Triệu", "Nguyễn Du", "Trần Phú", "Lê Lai", "Ngô Quyền", "Phan Đình Phùng",
)  # fmt: skip
VILLAGES: tuple[str, ...] = (
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "An Lạc", "Phú Mỹ", "Tân Lập",
    "Hòa Bình", "Đồng Tâm", "Tiền Phong", "Quyết Tiến", "1", "2", "3", "4", "5", "6",
)  # fmt: skip
