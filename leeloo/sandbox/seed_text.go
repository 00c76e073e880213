package sandbox

// name is a first name or surname with its Latin transliteration (for emails).
type name struct{ text, latin string }

var (
	ukFemale = []name{
		{"Олена", "olena"}, {"Оксана", "oksana"}, {"Ірина", "iryna"}, {"Марія", "mariia"},
		{"Анна", "anna"}, {"Юлія", "yuliia"}, {"Наталія", "nataliia"}, {"Тетяна", "tetiana"},
		{"Катерина", "kateryna"}, {"Світлана", "svitlana"}, {"Вікторія", "viktoriia"},
		{"Дарина", "daryna"}, {"Софія", "sofiia"}, {"Христина", "khrystyna"},
		{"Людмила", "liudmyla"}, {"Ольга", "olha"},
	}
	ukMale = []name{
		{"Андрій", "andrii"}, {"Олександр", "oleksandr"}, {"Дмитро", "dmytro"}, {"Сергій", "serhii"},
		{"Максим", "maksym"}, {"Іван", "ivan"}, {"Тарас", "taras"}, {"Богдан", "bohdan"},
		{"Віталій", "vitalii"}, {"Юрій", "yurii"}, {"Назар", "nazar"}, {"Остап", "ostap"},
	}
	ukSurnames = []name{
		{"Коваленко", "kovalenko"}, {"Шевченко", "shevchenko"}, {"Бондаренко", "bondarenko"},
		{"Ткаченко", "tkachenko"}, {"Кравченко", "kravchenko"}, {"Олійник", "oliinyk"},
		{"Мельник", "melnyk"}, {"Поліщук", "polishchuk"}, {"Савчук", "savchuk"},
		{"Гончаренко", "honcharenko"}, {"Руденко", "rudenko"}, {"Мороз", "moroz"},
		{"Лисенко", "lysenko"}, {"Марченко", "marchenko"}, {"Павленко", "pavlenko"},
		{"Костенко", "kostenko"}, {"Литвиненко", "lytvynenko"}, {"Романюк", "romaniuk"},
	}
	enFemale = []name{
		{"Emily", "emily"}, {"Sarah", "sarah"}, {"Jessica", "jessica"}, {"Olivia", "olivia"},
		{"Emma", "emma"}, {"Sophie", "sophie"}, {"Hannah", "hannah"}, {"Chloe", "chloe"},
		{"Grace", "grace"}, {"Megan", "megan"},
	}
	enMale = []name{
		{"James", "james"}, {"Michael", "michael"}, {"David", "david"}, {"Daniel", "daniel"},
		{"Ryan", "ryan"}, {"Thomas", "thomas"}, {"Chris", "chris"}, {"Kevin", "kevin"},
		{"Alex", "alex"}, {"Peter", "peter"},
	}
	enSurnames = []name{
		{"Smith", "smith"}, {"Johnson", "johnson"}, {"Brown", "brown"}, {"Taylor", "taylor"},
		{"Wilson", "wilson"}, {"Davies", "davies"}, {"Evans", "evans"}, {"Clarke", "clarke"},
		{"Walker", "walker"}, {"Wright", "wright"}, {"Hughes", "hughes"}, {"Green", "green"},
		{"Harris", "harris"}, {"Lewis", "lewis"}, {"Baker", "baker"},
	}
	emailDomains = []string{"gmail.com", "gmail.com", "ukr.net", "i.ua", "outlook.com", "yahoo.com"}
	ukOperators  = []string{"50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"}
	ukCities     = []string{"Київ", "Львів", "Харків", "Одеса", "Дніпро", "Вінниця", "Полтава"}
	skinTypes    = []string{"dry", "oily", "combination", "sensitive"}
)

// line is one message of a chat script: who says it and what.
type line struct {
	kind string
	text string
}

func cust(text string) line { return line{friendMessage, text} }
func op(text string) line   { return line{yourMessage, text} }
func sys(text string) line  { return line{systemMessage, text} }

// Chat scripts; a seeded chat is a prefix of one. {name} is the first name,
// {full} the full name.
var ukScripts = [][]line{
	{
		cust("Добрий день! Скільки коштує сироватка з вітаміном С?"),
		op("Вітаю, {name}! Сироватка Vitamin C 30 мл коштує 890 грн 💛"),
		cust("А вона підійде для чутливої шкіри?"),
		op("Так, концентрація 10%, без ароматизаторів. Радимо починати з 2–3 разів на тиждень."),
		cust("Хочу замовити одну"),
		op("Чудово! Напишіть, будь ласка, ПІБ, місто та відділення Нової Пошти."),
		cust("{full}, Львів, відділення 12"),
		sys("Діалог передано менеджеру"),
		op("Дякуємо! Замовлення оформлено, відправимо сьогодні до 18:00."),
		cust("А оплата при отриманні можлива?"),
		op("Так, накладений платіж або оплата карткою онлайн — як вам зручніше."),
		cust("Тоді при отриманні"),
		op("Записали 👍 ТТН надішлемо ввечері."),
		cust("Дякую!"),
		op("ТТН: 20450123456789. Гарного дня!"),
		cust("Отримала, все супер 😍"),
		op("Дуже раді! Будемо вдячні за відгук в Instagram 🙏"),
	},
	{
		cust("Привіт! Ви доставляєте в Харків?"),
		op("Вітаємо, {name}! Так, доставляємо Новою Поштою по всій Україні 🚚"),
		cust("Скільки коштує доставка?"),
		op("За тарифами перевізника, від 70 грн. При замовленні від 1500 грн — безкоштовно."),
		cust("А скільки йде посилка?"),
		op("Зазвичай 1–2 дні."),
		cust("Добре, а набір «Зволоження» є в наявності?"),
		op("Так, є. Ціна 1450 грн, тож доставка буде безкоштовною 🎁"),
		cust("Хочу замовити набір"),
		op("Супер! Залиште номер телефону та відділення НП."),
		cust("Харків, відділення 5, телефон є в профілі"),
		op("Оформили! Очікуйте SMS з номером накладної."),
		cust("Дякую, чекаю"),
		op("Посилка вже в дорозі, ТТН 20450111222333."),
	},
	{
		op("Вітаємо, {name}! Ви зареєструвалися на безкоштовний вебінар «Догляд за шкірою взимку» 🎉"),
		op("Вебінар почнеться у четвер о 19:00. Посилання надішлемо за годину до початку."),
		cust("Дякую! А запис буде?"),
		op("Так, запис буде доступний 48 годин після ефіру."),
		sys("Підписка на туннель «Вебінар: догляд взимку»"),
		cust("Супер"),
		op("Нагадуємо: вебінар стартує через годину! Посилання: https://lumi.example/webinar"),
		cust("А можна питання про курс після вебінару?"),
		op("Звичайно! Курс «Догляд за шкірою 30 днів» коштує 49 $. Для учасників вебінару — знижка 20% до неділі."),
		cust("Скільки це в гривнях?"),
		op("Приблизно 2000 грн за курсом на сьогодні."),
		cust("Добре, подумаю"),
		op("Якщо будуть питання — пишіть, ми на зв'язку 💛"),
	},
	{
		cust("Добрий вечір. Мені прийшов крем з пошкодженою кришкою 😕"),
		op("Ой, вибачте, будь ласка! Надішліть фото, і ми все вирішимо."),
		cust("[фото]"),
		op("Дякуємо. Ми відправимо заміну безкоштовно вже завтра."),
		cust("А старий повертати?"),
		op("Ні, не потрібно. Залиште собі 🙂"),
		sys("Діалог передано менеджеру"),
		cust("Дякую за швидку відповідь"),
		op("Це наша робота! Номер накладної на заміну надішлемо завтра."),
		op("Заміна відправлена, ТТН 20450198765432."),
		cust("Отримала, все ціле. Дякую!"),
	},
	{
		cust("Доброго дня! Цікавить опт для салону краси"),
		op("Вітаємо! Оптові ціни від 10 одиниць одного товару, знижка 25%."),
		cust("Можете надіслати прайс?"),
		op("Звісно, ось прайс: https://lumi.example/opt.pdf"),
		cust("А є сертифікати якості?"),
		op("Так, уся продукція сертифікована, надішлемо копії разом із замовленням."),
		cust("Хочу замовити 20 сироваток і 10 кремів"),
		op("Чудово! Менеджер зв'яжеться з вами протягом години для узгодження деталей."),
		sys("Діалог передано менеджеру"),
		op("{name}, рахунок на оплату надіслали на пошту."),
		cust("Оплатили, дякую"),
		op("Оплату отримали, відвантаження завтра."),
	},
	{
		cust("Є знижки?"),
		op("Так! Зараз діє знижка 10% за промокодом SPRING10 🌸"),
		cust("А на набори теж?"),
		op("Так, на все, крім подарункових сертифікатів."),
		cust("Скільки коштує подарунковий сертифікат?"),
		op("Від 500 до 3000 грн, електронний або паперовий у красивій коробці 🎁"),
		cust("Хочу замовити сертифікат на 1000 грн"),
		op("Чудово! Ось посилання на оплату: https://pay.lumi.example/c/1000"),
		cust("Дякую"),
		op("Звертайтеся!"),
	},
}

var enScripts = [][]line{
	{
		cust("Hi! How much is the Vitamin C serum?"),
		op("Hi {name}! The Vitamin C Serum (30 ml) is $24 💛"),
		cust("Do you ship to Poland?"),
		op("Yes, we ship across the EU. Delivery to Poland takes 4–6 days and costs $9."),
		cust("Great, I'd like to order one"),
		op("Wonderful! Please send your full name, address and phone number."),
		cust("{full}, ul. Marszałkowska 10, Warsaw"),
		op("Thank you! Here is your payment link: https://pay.lumi.example/o/58213"),
		sys("Order created"),
		cust("Paid!"),
		op("Payment received, we'll ship tomorrow and send you the tracking number."),
		cust("Thanks a lot"),
		op("Your parcel is on its way! Tracking: RR123456785UA"),
	},
	{
		op("Hi {name}! You're registered for our free webinar \"Skincare basics\" 🎉"),
		op("It starts on Thursday at 7 pm Kyiv time. We'll send the link an hour before."),
		cust("Thanks! Will there be a recording?"),
		op("Yes, the recording will be available for 48 hours."),
		cust("Cool"),
		op("Reminder: the webinar starts in 1 hour! Link: https://lumi.example/webinar"),
		cust("Is the 30-day course in English too?"),
		op("Yes, the course has English subtitles. It's $49, and webinar attendees get 20% off until Sunday."),
		cust("I'll think about it"),
		op("Sure! Let us know if you have any questions."),
	},
	{
		cust("Hello, I ordered the moisturizing set last week. When will it arrive?"),
		op("Hi {name}! Let me check your order, one moment please."),
		sys("Chat assigned to a manager"),
		op("Your parcel was shipped on Monday, tracking number RR987654321UA. It should arrive in 2–3 days."),
		cust("OK thanks"),
		cust("It arrived but one bottle is leaking"),
		op("We're so sorry! Please send a photo and we'll send a replacement for free."),
		cust("[photo]"),
		op("Thank you. The replacement ships tomorrow."),
		cust("Appreciate it!"),
	},
	{
		cust("Hi, do you have any discounts?"),
		op("Hi! Yes, use code SPRING10 for 10% off everything 🌸"),
		cust("Can I get 15% if I buy 3 serums?"),
		op("For 3 or more items the discount is 15% automatically at checkout."),
		cust("Nice. Do you accept PayPal?"),
		op("We accept cards (Visa/Mastercard), Apple Pay and Google Pay."),
		cust("OK I want to order 3 serums"),
		op("Great choice! Here is your payment link: https://pay.lumi.example/o/60117"),
		cust("Done"),
		op("Thank you, {name}! Your order is confirmed."),
	},
	{
		cust("Hi"),
		op("Hi {name}! How can we help you today?"),
		cust("What's the difference between the day cream and the night cream?"),
		op("The day cream has SPF 30 and a light texture; the night cream is richer, with retinol for overnight repair."),
		cust("Which one for oily skin?"),
		op("For oily skin we recommend the day cream plus our Niacinamide serum."),
		cust("How much for both?"),
		op("The day cream is $27 and the Niacinamide serum $22, so $49 together, or $44 with code SPRING10."),
		cust("Thanks!"),
	},
}

// Short chats of a person's second account.
var ukShort = [][]line{
	{cust("Доброго дня, ви працюєте у вихідні?"), op("Вітаємо! Так, відповідаємо щодня з 9:00 до 21:00.")},
	{op("{name}, у нас нова колекція догляду на осінь 🍂 Переглянути: https://lumi.example/new"), cust("Дякую, гляну")},
	{cust("Чи можна оплатити частинами?"), op("Так, через «Оплату частинами» ПриватБанку до 4 платежів."), cust("Супер, дякую")},
}

var enShort = [][]line{
	{cust("Hi, are you open on weekends?"), op("Hi! Yes, we reply every day from 9 am to 9 pm Kyiv time.")},
	{op("{name}, our autumn skincare collection is here 🍂 Take a look: https://lumi.example/new"), cust("Thanks, will check")},
	{cust("Can I pay in installments?"), op("Not yet, sorry! We accept cards, Apple Pay and Google Pay."), cust("OK")},
}
