-- sqlscim lab: demo data for Microsoft SQL Server. Run after schema.sql and procedures.sql.
-- The file is UTF-8 without BOM: use sqlcmd -f 65001 so that N'Padmé Amidala' arrives intact.

SET NOCOUNT ON;

-- 10 entitlements
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (1, N'VPN Access', N'Remote access to the internal network over VPN');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (2, N'GitHub Admin', N'Administrator of the GitHub organization');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (3, N'AWS Console', N'Sign-in to the AWS management console');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (4, N'Jira Admin', N'Administrator of Jira projects and workflows');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (5, N'Confluence Edit', N'Create and edit Confluence pages');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (6, N'Database Read', N'Read-only access to production databases; no writes');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (7, N'Database Write', N'Read and write access to production databases');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (8, N'Slack Admin', N'Administrator of the Slack workspace');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (9, N'Office 365', N'Office 365 mailbox and desktop apps');
INSERT INTO dbo.ENTITLEMENTS (ENT_ID, ENT_NAME, ENT_DESCRIPTION) VALUES (10, N'Salesforce', N'Salesforce CRM user licence');
GO

-- 15 users; darth.vader and kylo.ren are inactive, so 13 are active
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'luke.skywalker@galaxy.local', N'luke.skywalker', N'Luke', N'Skywalker', NULL, N'luke.skywalker@galaxy.local', N'Luke Skywalker', N'Red Five', N'+1-555-0101', N'Lars Homestead', N'Anchorhead', N'Tatooine', N'10001', N'US', N'America/Phoenix', N'Jedi Order', N'Jedi Knights', N'obiwan.kenobi@galaxy.local', N'Obi-Wan Kenobi', N'Jedi Knight', N'E1001', '2017-05-25', NULL, N'$2a$10$Jd7Qx0cF1sYbW5m8H2kLdeQ0Vt3nA9rPz6GhE4uXyC1oLiS8fMwKa', 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'leia.organa@galaxy.local', N'leia.organa', N'Leia', N'Organa', NULL, N'leia.organa@galaxy.local', N'Leia Organa', N'Princess', N'+1-555-0102', N'1 Royal Palace', N'Aldera', N'Alderaan', N'20002', N'US', N'America/New_York', N'Resistance', N'High Command', NULL, NULL, N'General', N'E1002', '2015-01-10', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'han.solo@galaxy.local', N'han.solo', N'Han', N'Solo', NULL, N'han.solo@galaxy.local', N'Han Solo', N'Flyboy', N'+1-555-0103', N'Docking Bay 94', N'Mos Eisley', N'Tatooine', N'10002', N'US', N'America/Phoenix', N'Resistance', N'Fleet Operations', N'leia.organa@galaxy.local', N'Leia Organa', N'Captain', N'E1003', '2016-03-14', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'obiwan.kenobi@galaxy.local', N'obiwan.kenobi', N'Obi-Wan', N'Kenobi', NULL, N'obiwan.kenobi@galaxy.local', N'Obi-Wan Kenobi', N'Ben', N'+1-555-0104', N'Jundland Wastes', N'Jundland', N'Tatooine', N'10003', N'US', N'America/Phoenix', N'Jedi Order', N'Jedi Council', N'yoda@galaxy.local', N'Master Yoda', N'Jedi Master', N'E1004', '2010-06-01', NULL, N'$2a$10$Kp2Zr7Tq5Lm0Xc8Vb3Nn1eYh6Wd4Fs9Ag2Uj7Ik5Ol3Pm1Qr8St6Uv', 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'yoda@galaxy.local', N'yoda', N'Yoda', N'Master', NULL, N'yoda@galaxy.local', N'Master Yoda', NULL, NULL, N'Swamp Hut', N'Dagobah Swamp', N'Dagobah', NULL, NULL, N'UTC', N'Jedi Order', N'Jedi Council', NULL, NULL, N'Grand Master', N'E1000', '2000-01-01', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'darth.vader@galaxy.local', N'darth.vader', N'Darth', N'Vader', NULL, N'darth.vader@galaxy.local', N'Darth Vader', N'Lord Vader', NULL, N'Fortress Vader', N'Bast Castle', N'Mustafar', NULL, N'US', N'UTC', N'Galactic Empire', N'Imperial Navy', NULL, NULL, N'Sith Lord', N'E2001', '2012-09-09', '2019-05-04', NULL, 0);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'padme.amidala@galaxy.local', N'padme.amidala', N'Padme', N'Amidala', N'Naberrie', N'padme.amidala@galaxy.local', N'Padmé Amidala', NULL, N'+1-555-0107', N'1 Palace Plaza', N'Theed', N'Naboo', N'30001', N'US', N'Europe/Rome', N'Galactic Senate', N'Naboo Delegation', NULL, NULL, N'Senator', N'E3001', '2014-02-02', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'chewbacca@galaxy.local', N'chewbacca', N'Chewbacca', N'Wookiee', NULL, N'chewbacca@galaxy.local', N'Chewbacca', N'Chewie', NULL, NULL, N'Rwookrrorro', N'Kashyyyk', NULL, NULL, N'UTC', N'Resistance', N'Fleet Operations', N'han.solo@galaxy.local', N'Han Solo', N'First Mate', N'E1008', '2016-03-14', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'lando.calrissian@galaxy.local', N'lando.calrissian', N'Lando', N'Calrissian', NULL, N'lando.calrissian@galaxy.local', N'Lando Calrissian', NULL, N'+1-555-0109', N'1 Tibanna Tower', N'Cloud City', N'Bespin', N'40001', N'US', N'America/Los_Angeles', N'Cloud City', N'Administration', NULL, NULL, N'Baron Administrator', N'E4001', '2013-08-08', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'rey.skywalker@galaxy.local', N'rey.skywalker', N'Rey', N'Skywalker', NULL, N'rey.skywalker@galaxy.local', N'Rey Skywalker', N'Scavenger', NULL, NULL, N'Niima Outpost', N'Jakku', NULL, N'US', N'UTC', N'Resistance', N'Jedi Training', N'leia.organa@galaxy.local', N'Leia Organa', N'Jedi Apprentice', N'E1010', '2019-12-20', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'finn.storm@galaxy.local', N'finn.storm', N'Finn', N'Storm', NULL, N'finn.storm@galaxy.local', N'Finn Storm', N'FN-2187', N'+1-555-0111', NULL, NULL, NULL, NULL, NULL, N'UTC', N'Resistance', N'Ground Forces', N'poe.dameron@galaxy.local', N'Poe Dameron', N'Sergeant', N'E1011', '2018-04-01', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'poe.dameron@galaxy.local', N'poe.dameron', N'Poe', N'Dameron', NULL, N'poe.dameron@galaxy.local', N'Poe Dameron', N'Black Leader', N'+1-555-0112', N'Dameron Homestead', N'Yavin City', N'Yavin 4', N'50001', N'US', N'America/Chicago', N'Resistance', N'Starfighter Corps', N'leia.organa@galaxy.local', N'Leia Organa', N'Commander', N'E1012', '2017-11-11', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'mace.windu@galaxy.local', N'mace.windu', N'Mace', N'Windu', NULL, N'mace.windu@galaxy.local', N'Mace Windu', NULL, NULL, N'Jedi Temple', N'Galactic City', N'Coruscant', N'00001', N'US', N'America/New_York', N'Jedi Order', N'Jedi Council', N'yoda@galaxy.local', N'Master Yoda', N'Jedi Master', N'E1013', '2008-04-04', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'qui-gon.jinn@galaxy.local', N'qui-gon.jinn', N'Qui-Gon', N'Jinn', NULL, N'qui-gon.jinn@galaxy.local', N'Qui-Gon Jinn', NULL, NULL, N'Watto''s Junk Shop', N'Mos Espa', N'Tatooine', N'10004', N'US', N'America/Phoenix', N'Jedi Order', N'Jedi Knights', N'yoda@galaxy.local', N'Master Yoda', N'Jedi Master', N'E1014', '2005-05-19', NULL, NULL, 1);
INSERT INTO dbo.USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH, IS_ACTIVE)
VALUES (N'kylo.ren@galaxy.local', N'kylo.ren', N'Kylo', N'Ren', NULL, N'kylo.ren@galaxy.local', N'Kylo Ren', N'Ben Solo', NULL, NULL, NULL, N'Supremacy', NULL, NULL, N'UTC', N'First Order', N'Knights of Ren', NULL, NULL, N'Supreme Leader', N'E5001', '2015-12-18', '2019-12-20', NULL, 0);
GO

-- 33 assignments (ASSIGNEDDATE takes its default)
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'luke.skywalker@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'luke.skywalker@galaxy.local', 2);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'luke.skywalker@galaxy.local', 5);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'leia.organa@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'leia.organa@galaxy.local', 3);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'leia.organa@galaxy.local', 4);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'han.solo@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'han.solo@galaxy.local', 6);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'obiwan.kenobi@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'obiwan.kenobi@galaxy.local', 2);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'obiwan.kenobi@galaxy.local', 3);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'yoda@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'yoda@galaxy.local', 2);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'yoda@galaxy.local', 3);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'yoda@galaxy.local', 4);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'darth.vader@galaxy.local', 7);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'darth.vader@galaxy.local', 8);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'padme.amidala@galaxy.local', 9);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'padme.amidala@galaxy.local', 10);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'chewbacca@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'chewbacca@galaxy.local', 6);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'lando.calrissian@galaxy.local', 9);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'lando.calrissian@galaxy.local', 10);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'rey.skywalker@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'rey.skywalker@galaxy.local', 2);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'finn.storm@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'poe.dameron@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'poe.dameron@galaxy.local', 8);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'mace.windu@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'mace.windu@galaxy.local', 3);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'qui-gon.jinn@galaxy.local', 1);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'qui-gon.jinn@galaxy.local', 9);
INSERT INTO dbo.USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (N'kylo.ren@galaxy.local', 7);
GO
