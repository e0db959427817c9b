"""Vietnamese (and a little English) vocabulary the replica writes its articles from."""

DISTRICTS = (
    "Bắc Mê",
    "Bắc Quang",
    "Đồng Văn",
    "Hoàng Su Phì",
    "Mèo Vạc",
    "Quản Bạ",
    "Quang Bình",
    "Vị Xuyên",
    "Xín Mần",
    "Yên Minh",
    "thành phố Hà Giang",
)

COMMUNES = {
    "Bắc Mê": ("Yên Phong", "Minh Ngọc", "Thượng Tân", "Đường Âm", "Phiêng Luông"),
    "Bắc Quang": ("Việt Vinh", "Tân Quang", "Vĩnh Hảo", "Đồng Yên", "Tân Thành"),
    "Đồng Văn": ("Lũng Cú", "Phố Bảng", "Sủng Là", "Lũng Táo", "Thài Phìn Tủng"),
    "Hoàng Su Phì": ("Hồ Thầu", "Nậm Ty", "Thông Nguyên", "Bản Luốc", "Tụ Nhân"),
    "Mèo Vạc": ("Pả Vi", "Lũng Pù", "Khâu Vai", "Sơn Vĩ", "Tát Ngà"),
    "Quản Bạ": ("Thái An", "Tùng Vài", "Lùng Tám", "Cán Tỷ", "Quyết Tiến"),
    "Quang Bình": ("Yên Hà", "Tân Trịnh", "Xuân Giang", "Tiên Yên", "Bằng Lang"),
    "Vị Xuyên": ("Thanh Thủy", "Phương Tiến", "Cao Bồ", "Tùng Bá", "Ngọc Linh"),
    "Xín Mần": ("Nà Chì", "Thèn Phàng", "Chế Là", "Quảng Nguyên", "Cốc Pài"),
    "Yên Minh": ("Lũng Hồ", "Mậu Duệ", "Na Khê", "Sủng Thài", "Du Già"),
    "thành phố Hà Giang": ("Ngọc Đường", "Phương Thiện", "Phương Độ", "Minh Khai", "Trần Phú"),
}

ETHNIC_GROUPS = ("Mông", "Dao", "Tày", "Nùng", "Lô Lô", "Pà Thẻn", "Bố Y", "La Chí", "Cờ Lao")

CROPS = ("chè Shan tuyết", "cam sành", "lúa", "ngô", "đậu tương", "dược liệu", "mận", "lê", "hồng không hạt")

FESTIVALS = ("Gầu Tào", "Cấp sắc", "Nhảy lửa", "Khèn Mông", "Lồng tồng", "Chợ tình Khâu Vai")

PLACES = (
    "cao nguyên đá Đồng Văn",
    "đèo Mã Pì Lèng",
    "cột cờ Lũng Cú",
    "ruộng bậc thang Hoàng Su Phì",
    "núi đôi Quản Bạ",
    "dinh thự họ Vương",
    "sông Nho Quế",
)

ORGANISATIONS = (
    "Huyện ủy",
    "UBND huyện",
    "Đảng bộ xã",
    "Hội Nông dân huyện",
    "Hội Liên hiệp Phụ nữ huyện",
    "Đoàn Thanh niên huyện",
    "Mặt trận Tổ quốc huyện",
    "Công an huyện",
    "Ban Chỉ huy Quân sự huyện",
)

PEOPLE = (
    "Nguyễn Văn Sơn",
    "Hoàng Thị Mai",
    "Giàng Mí Chá",
    "Lò Thị Hoa",
    "Vàng Seo Dìn",
    "Thào Mí Lử",
    "Đặng Văn Thắng",
    "Lục Văn Hùng",
    "Phạm Thị Thu",
    "Sùng Mí Vảng",
)

REPORTERS = (
    "T.PHƯƠNG",
    "N.PHƯƠNG",
    "MINH HUỆ",
    "THU PHƯƠNG",
    "VĂN LIÊN",
    "HOÀNG HÀ",
    "PHẠM HOẠCH",
    "BIÊN HOÀNG",
    "ĐỨC HOÀNG",
    "KIM TIẾN",
    "THÀNH LONG",
    "LÊ ANH",
)

PHOTO_CREDITS = ("Minh Tuấn", "Thu Hà", "Đức Thắng", "Kim Ngân")

# Title templates by topic. Slots: {d} district, {c} commune, {e} ethnic group, {crop}, {fest},
# {place}, {org}, {n} a number, {y} a year.
TITLES = {
    "party": (
        "{org} {d} quán triệt Nghị quyết Đại hội Đảng bộ tỉnh",
        "Đảng bộ xã {c} nâng cao chất lượng sinh hoạt chi bộ",
        "Nâng cao năng lực lãnh đạo của tổ chức cơ sở đảng ở {d}",
        "Kết nạp {n} đảng viên mới trong đồng bào {e}",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở {d}",
        "Đại hội đại biểu Đảng bộ xã {c} nhiệm kỳ mới",
        "Phát huy vai trò nêu gương của cán bộ, đảng viên xã {c}",
    ),
    "politics": (
        "Lãnh đạo tỉnh làm việc với huyện {d}",
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {n}",
        "Kỳ họp thứ {n} HĐND tỉnh khóa XVIII bế mạc",
        "Đoàn công tác của tỉnh thăm, tặng quà đồng bào xã {c}",
        "{d} triển khai nhiệm vụ phát triển kinh tế - xã hội năm {y}",
        "Tiếp xúc cử tri trước kỳ họp tại huyện {d}",
    ),
    "economy": (
        "Nông dân xã {c} ({d}) thu hoạch {crop}",
        "{d} phát triển vùng {crop} tập trung",
        "Hợp tác xã ở {c} đưa sản phẩm {crop} vươn xa",
        "Giá {crop} tăng, người dân {d} phấn khởi",
        "Xây dựng nông thôn mới ở xã {c}",
        "Sản phẩm OCOP từ {crop} của huyện {d}",
        "Chuyển đổi cơ cấu cây trồng trên đất dốc ở {d}",
    ),
    "industry": (
        "Khu công nghiệp Bình Vàng thu hút thêm {n} dự án",
        "Nhà máy chế biến {crop} ở {d} đi vào hoạt động",
        "Thủy điện trên sông Nho Quế vận hành an toàn mùa lũ năm {y}",
        "Giá trị sản xuất công nghiệp của {d} tăng {n}%",
    ),
    "science": (
        "Ứng dụng khoa học kỹ thuật trong sản xuất {crop} ở {d}",
        "Chuyển đổi số ở xã {c}: người dân dùng ứng dụng định danh điện tử",
        "Hội thi sáng tạo kỹ thuật tỉnh lần thứ {n}",
    ),
    "world": (
        "Giao lưu hữu nghị với các tỉnh biên giới của nước bạn năm {y}",
        "Hợp tác thương mại qua cửa khẩu tăng {n}%",
    ),
    "opinion": (
        "Góc nhìn: Để {crop} vươn xa",
        "Góc nhìn: Giữ gìn bản sắc văn hóa dân tộc {e} trong thời kỳ mới",
        "Góc nhìn: Chuyển đổi số bắt đầu từ cơ sở",
    ),
    "uncle_ho": (
        "Học tập và làm theo Bác: tấm gương đảng viên {person}",
        "Làm theo lời Bác, người dân xã {c} hiến đất làm đường",
    ),
    "society": (
        "{d} hỗ trợ {n} hộ nghèo xóa nhà tạm",
        "Trường Phổ thông Dân tộc bán trú xã {c} khai giảng năm học mới",
        "Khám bệnh, cấp thuốc miễn phí cho người dân xã {c}",
        "Nước sạch về với đồng bào {e} ở {d}",
        "Tạo việc làm cho lao động nông thôn huyện {d}",
        "Ấm áp mùa đông trên vùng cao {d}",
    ),
    "culture": (
        "Lễ hội {fest} của đồng bào {e} ở {d}",
        "Bảo tồn nghề dệt lanh của người {e} xã {c}",
        "Giữ gìn bản sắc văn hóa dân tộc {e}",
        "Ngày hội văn hóa các dân tộc huyện {d} năm {y}",
        "Tiếng khèn trên {place}",
        "Làng văn hóa du lịch cộng đồng ở xã {c}",
    ),
    "tourism": (
        "Du khách đổ về {place}",
        "Mùa hoa tam giác mạch trên {place}",
        "{d} đón hơn {n} nghìn lượt khách du lịch",
        "Phát triển du lịch cộng đồng ở xã {c}",
        "Trải nghiệm {place} mùa lúa chín",
    ),
    "defense": (
        "Đồn Biên phòng {c} giúp dân phát triển kinh tế",
        "Công an huyện {d} triệt phá đường dây ma túy",
        "Diễn tập khu vực phòng thủ huyện {d} năm {y}",
        "Giao quân năm {y}: {n} thanh niên {d} lên đường nhập ngũ",
        "Bảo vệ vững chắc chủ quyền biên giới ở xã {c}",
    ),
    "sport": (
        "Giải bóng chuyền hơi huyện {d} năm {y}",
        "Hà Giang giành {n} huy chương tại giải điền kinh toàn quốc",
        "Sôi nổi hội thi thể thao các dân tộc xã {c}",
        "Giải đua xe đạp chinh phục {place}",
    ),
    "law": (
        "Tuyên truyền pháp luật cho đồng bào {e} ở {d}",
        "Xét xử lưu động vụ án tại xã {c}",
        "Tòa án nhân dân huyện {d} nâng cao chất lượng xét xử",
        "Trợ giúp pháp lý cho người dân xã {c}",
    ),
    "newsroom": (
        "Báo Hà Giang tổ chức hội nghị cộng tác viên năm {y}",
        "Thông báo về việc tuyển dụng phóng viên năm {y}",
        "Báo Hà Giang trao giải cuộc thi viết về {place}",
    ),
    "media": (
        "Video: {place} mùa hoa",
        "Phóng sự: Đổi thay ở xã {c}",
        "Bản tin thời sự tối {date}",
        "Truyền hình: {d} xây dựng nông thôn mới",
    ),
    "emagazine": (
        "E-magazine: Hành trình trên {place}",
        "E-magazine: Sắc màu văn hóa người {e}",
        "E-magazine: {d} vươn lên từ đá",
    ),
    "photo": (
        "Ảnh: Sắc xuân trên {place}",
        "Ảnh: Phiên chợ vùng cao xã {c}",
        "Ảnh: Mùa {crop} ở {d}",
    ),
    "infographic": (
        "Infographic: Kinh tế - xã hội Hà Giang năm {y}",
        "Infographic: {d} sau {n} năm xây dựng nông thôn mới",
    ),
    "advert": (
        "Khám phá ẩm thực vùng cao tại {d}",
        "Homestay ở xã {c} đón khách mùa lễ hội",
        "Sản phẩm {crop} Hà Giang tại hội chợ năm {y}",
    ),
}

SERIES_PARTS = (
    "Những bước đi đầu tiên",
    "Khó khăn còn ở phía trước",
    "Cách làm sáng tạo",
    "Niềm tin của người dân",
    "Giải pháp cho những năm tới",
)

SUBHEADINGS = (
    "Chuyển biến từ cơ sở",
    "Nhiều cách làm hay",
    "Khơi dậy tiềm năng",
    "Những kết quả bước đầu",
    "Hướng đi bền vững",
    "Đồng thuận của nhân dân",
)

# Sentence templates. Extra slots: {date} "11.12"-style day.month, {when} "Sáng"/"Chiều",
# {full_date} "13.4.1964"-style date, {month_year} "6.2025", {ha} "1.726,8", {tons} "19.280",
# {person} a name, {m} a month.
SENTENCES = (
    "{when} {date}, {org} {d} tổ chức hội nghị triển khai nhiệm vụ trọng tâm.",
    "Năm {y}, toàn huyện trồng mới {ha} ha {crop}, sản lượng đạt {tons} tấn.",
    "Đến tháng {month_year}, xã {c} đã có {n} hộ thoát nghèo bền vững.",
    "Theo đồng chí {person}, Bí thư Đảng ủy xã {c}, cách làm này giúp người dân yên tâm sản xuất.",
    "Đồng bào {e} ở {d} vẫn giữ được nhiều phong tục tốt đẹp từ ngày {full_date}.",
    "Huyện {d} hiện có {ha} ha {crop}, trong đó {n} ha đã cho thu hoạch.",
    "Bà con xã {c} cho biết, nhờ được hỗ trợ giống và kỹ thuật, thu nhập đã tăng rõ rệt.",
    "Các cấp ủy thường xuyên kiểm tra, giám sát, nắm bắt tình hình ở cơ sở.",
    "{when} {date}, đoàn công tác đã đến thăm, tặng quà các gia đình chính sách tại xã {c}.",
    "Tổng giá trị sản xuất ước đạt {tons} triệu đồng, tăng {pct}% so với cùng kỳ.",
    "Những con đường bê tông nối các thôn bản của xã {c} đã giúp việc đi lại thuận tiện hơn.",
    "Anh {person} chia sẻ: “Gia đình tôi đã mạnh dạn vay vốn để mở rộng diện tích {crop}”.",
    "Trong tháng {m}, lực lượng chức năng đã tuyên truyền cho hơn {n} lượt người dân.",
    "Du khách đến {place} ngày càng đông, nhất là vào dịp cuối tuần.",
    "Huyện {d} đặt mục tiêu đến năm 2025 có {n} xã đạt chuẩn nông thôn mới.",
    "Mỗi năm, lễ hội {fest} thu hút hàng nghìn người dân và du khách tham gia.",
    "Chi bộ thôn đã tổ chức sinh hoạt chuyên đề với nhiều nội dung thiết thực.",
    "Ngày {full_date} là dấu mốc đáng nhớ của đồng bào các dân tộc huyện {d}.",
)

CAPTIONS = (
    "Nông dân xã {c} ({d}) chăm sóc {crop}.",
    "Lãnh đạo huyện {d} kiểm tra mô hình sản xuất tại xã {c}.",
    "Đồng bào {e} xã {c} trong ngày hội.",
    "Du khách tham quan {place}.",
    "Cán bộ, đảng viên xã {c} tham gia lao động cùng nhân dân.",
    "Quang cảnh hội nghị.",
    "Học sinh xã {c} trong giờ học.",
    "Lực lượng chức năng huyện {d} tuyên truyền cho người dân.",
)

TAGS = ("nông thôn mới", "xây dựng Đảng", "giảm nghèo", "du lịch", "văn hóa", "biên giới", "OCOP", "giáo dục")

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

ENGLISH_TITLES = (
    "Ha Giang welcomes tourists to the {place_en}",
    "Buckwheat flower season draws visitors to Dong Van",
    "Ethnic {e} people preserve traditional weaving in {d}",
    "Ha Giang promotes Shan tuyet tea on international markets",
    "New rural development changes life in {d}",
)

ENGLISH_PLACES = ("Dong Van Karst Plateau", "Ma Pi Leng Pass", "Lung Cu Flag Tower", "Hoang Su Phi terraces")

ENGLISH_SENTENCES = (
    "Local authorities in {d} have invested in roads linking remote villages.",
    "Visitors to the {place_en} increased sharply this year.",
    "The {e} people in the province keep many of their traditional festivals.",
    "Farmers said their income has risen thanks to support with seedlings and techniques.",
    "The province aims to welcome more than three million tourists a year.",
)
